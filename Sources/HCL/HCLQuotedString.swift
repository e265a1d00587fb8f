/// What the HCL native syntax and JSON disagree on inside a `"..."` string. The scanner below
/// is shared by the HCL lexer and the JSON parser so that escapes, surrogate pairs and
/// unterminated strings are handled by one piece of code; only these differences are data.
struct HCLQuotedStringDialect {
    /// `\x` escapes that stand for one byte, by the letter after the backslash.
    var simpleEscapes: [UInt8: UInt8]
    /// HCL's `\UXXXXXXXX` (8 digits) besides `\uXXXX`.
    var allowsEightDigitEscape: Bool
    /// JSON: a high surrogate must be followed by an escaped low one. HCL: the two are joined
    /// when they come as a pair; a lone surrogate then fails as an invalid scalar.
    var requiresSurrogatePairs: Bool
    /// JSON forbids raw control characters in strings; HCL 1 keeps them.
    var rejectsControlCharacters: Bool
    /// HCL 1 copies `${...}` verbatim, and a quote inside it does not end the string.
    var keepsInterpolations: Bool
    /// HCL reports a backslash at the end of the file as an unterminated string (at the
    /// string's start), JSON as a bad escape (at the backslash).
    var reportsEscapeAtEndAsUnterminated: Bool
    var newlineMessage: String
    var badEscapeMessage: String
    var invalidScalarMessage: String

    static let hcl = HCLQuotedStringDialect(
        simpleEscapes: [
            UInt8(ascii: "n"): 0x0A, UInt8(ascii: "t"): 0x09, UInt8(ascii: "r"): 0x0D,
            UInt8(ascii: "\""): 0x22, UInt8(ascii: "\\"): 0x5C,
        ],
        allowsEightDigitEscape: true,
        requiresSurrogatePairs: false,
        rejectsControlCharacters: false,
        keepsInterpolations: true,
        reportsEscapeAtEndAsUnterminated: true,
        newlineMessage: "unterminated string: missing closing '\"' before end of line (use a heredoc for multi-line text)",
        badEscapeMessage: "bad escape sequence (valid: \\n \\t \\r \\\" \\\\ \\uXXXX \\UXXXXXXXX)",
        invalidScalarMessage: "bad escape: not a valid Unicode scalar value")

    /// RFC 8259.
    static let json = HCLQuotedStringDialect(
        simpleEscapes: [
            UInt8(ascii: "\""): 0x22, UInt8(ascii: "\\"): 0x5C, UInt8(ascii: "/"): 0x2F,
            UInt8(ascii: "b"): 0x08, UInt8(ascii: "f"): 0x0C, UInt8(ascii: "n"): 0x0A,
            UInt8(ascii: "r"): 0x0D, UInt8(ascii: "t"): 0x09,
        ],
        allowsEightDigitEscape: false,
        requiresSurrogatePairs: true,
        rejectsControlCharacters: true,
        keepsInterpolations: false,
        reportsEscapeAtEndAsUnterminated: false,
        newlineMessage: "unterminated string: missing closing '\"' before end of line",
        badEscapeMessage: "bad escape sequence (valid: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)",
        invalidScalarMessage: "bad escape: unpaired UTF-16 surrogate")
}

extension HCLSourceCursor {
    /// Reads a `"..."` string starting at the opening quote and returns its decoded text.
    mutating func scanQuotedString(_ dialect: HCLQuotedStringDialect) throws(HCLError) -> String {
        let start = position
        advance()
        var bytes: [UInt8] = []
        while true {
            guard let byte = current else {
                throw error("unterminated string: missing closing '\"'", at: start)
            }
            switch byte {
            case UInt8(ascii: "\""):
                advance()
                return String(decoding: bytes, as: UTF8.self)
            case UInt8(ascii: "\n"):
                throw error(dialect.newlineMessage, at: start)
            case UInt8(ascii: "\\"):
                try scanEscape(into: &bytes, stringStart: start, dialect)
            case UInt8(ascii: "$") where dialect.keepsInterpolations && peek(1) == UInt8(ascii: "{"):
                try copyInterpolation(into: &bytes, stringStart: start)
            case 0x00..<0x20 where dialect.rejectsControlCharacters:
                throw error("control character in string must be escaped")
            default:
                bytes.append(byte)
                advance()
            }
        }
    }

    private mutating func scanEscape(
        into bytes: inout [UInt8], stringStart: HCLPosition, _ dialect: HCLQuotedStringDialect
    ) throws(HCLError) {
        let escapeStart = position
        advance()
        guard let letter = current else {
            if dialect.reportsEscapeAtEndAsUnterminated {
                throw error("unterminated string: missing closing '\"'", at: stringStart)
            }
            throw error("bad escape at end of file", at: escapeStart)
        }
        if let replacement = dialect.simpleEscapes[letter] {
            bytes.append(replacement)
            advance()
            return
        }
        let digits: Int
        switch letter {
        case UInt8(ascii: "u"): digits = 4
        case UInt8(ascii: "U") where dialect.allowsEightDigitEscape: digits = 8
        default: throw error(dialect.badEscapeMessage, at: escapeStart)
        }
        advance()
        guard var value = readHex(digits: digits) else {
            throw error("bad escape: \\\(Character(Unicode.Scalar(letter))) needs \(digits) hexadecimal digits", at: escapeStart)
        }
        // A UTF-16 surrogate pair written as two \u escapes, as JSON (and JSON-minded HCL
        // writers) spell characters outside the Basic Multilingual Plane.
        if (0xD800...0xDBFF).contains(value) {
            if let low = readLowSurrogateEscape() {
                value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
            } else if dialect.requiresSurrogatePairs {
                throw error("bad escape: unpaired UTF-16 surrogate", at: escapeStart)
            }
        }
        guard let scalar = Unicode.Scalar(value) else {
            throw error(dialect.invalidScalarMessage, at: escapeStart)
        }
        UTF8.encode(scalar) { bytes.append($0) }
    }

    /// Consumes `\uXXXX` when it is a low surrogate; otherwise leaves the cursor where it was.
    private mutating func readLowSurrogateEscape() -> UInt32? {
        guard current == UInt8(ascii: "\\"), peek(1) == UInt8(ascii: "u") else { return nil }
        var lookahead = self
        lookahead.advance(by: 2)
        guard let low = lookahead.readHex(digits: 4), (0xDC00...0xDFFF).contains(low) else { return nil }
        self = lookahead
        return low
    }

    /// Copies `${ ... }` verbatim, tracking nested braces.
    private mutating func copyInterpolation(into bytes: inout [UInt8], stringStart: HCLPosition) throws(HCLError) {
        var depth = 0
        while let byte = current {
            bytes.append(byte)
            advance()
            if byte == UInt8(ascii: "{") {
                depth += 1
            } else if byte == UInt8(ascii: "}") {
                depth -= 1
                if depth == 0 { return }
            } else if byte == UInt8(ascii: "\\"), let escaped = current {
                bytes.append(escaped)
                advance()
            }
        }
        throw error("unterminated string: '${' without closing '}' and '\"'", at: stringStart)
    }

    /// Reads exactly `digits` hexadecimal digits; on failure the cursor may have moved.
    mutating func readHex(digits: Int) -> UInt32? {
        var value: UInt32 = 0
        for _ in 0..<digits {
            guard let byte = current, let digit = HCLByte.hexValue(byte) else { return nil }
            value = value << 4 | digit
            advance()
        }
        return value
    }
}
