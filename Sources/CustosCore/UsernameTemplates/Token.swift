/// One lexical item of a template, as Go's text/template/parse lexer splits it.
struct Token: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        /// Literal text outside actions, already trimmed by `{{-` / `-}}`.
        case text(String)
        case leftDelim
        case rightDelim
        /// A run of blanks between operands; Go needs it to separate arguments.
        case space
        case pipe
        case leftParen
        case rightParen
        /// A quoted or raw string, already unquoted.
        case string(String)
        case number(Int)
        /// `.Name`, without the dot.
        case field(String)
        /// A lone `.`: the whole data object.
        case dot
        case identifier(String)
        /// `if`, `range`, `true`, `nil`, … — recognised only to explain that they are unsupported.
        case keyword(String)
        case eof
    }

    var kind: Kind
    /// Byte offset in the template text, for error positions.
    var offset: Int

    var summary: String {
        switch kind {
        case .text: "text"
        case .leftDelim: "\"{{\""
        case .rightDelim: "\"}}\""
        case .space: "space"
        case .pipe: "\"|\""
        case .leftParen: "\"(\""
        case .rightParen: "\")\""
        case .string(let value): "string \(goQuoted(value))"
        case .number(let value): "number \(value)"
        case .field(let name): "field .\(name)"
        case .dot: "\".\""
        case .identifier(let name): "identifier \(name)"
        case .keyword(let word): "keyword \(word)"
        case .eof: "end of template"
        }
    }
}

/// Byte-level character classes used by the lexer (Go's definitions).
enum CharClass {
    /// Go's `isSpace` in modern text/template: newlines are blanks inside actions.
    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// Go's `isAlphaNumeric`: `_`, any Unicode letter, any Unicode decimal digit.
    static func isAlphaNumeric(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == "_" { return true }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .decimalNumber:
            return true
        default:
            return false
        }
    }

    /// Decodes the scalar starting at `index`; invalid or truncated input yields
    /// U+FFFD with length 1 so a caller always makes progress.
    static func scalar(in bytes: [UInt8], at index: Int) -> (scalar: Unicode.Scalar, length: Int)? {
        guard index >= 0, index < bytes.count else { return nil }
        let lead = bytes[index]
        let length: Int
        switch lead {
        case 0x00...0x7F: return (Unicode.Scalar(lead), 1)
        case 0xC2...0xDF: length = 2
        case 0xE0...0xEF: length = 3
        case 0xF0...0xF4: length = 4
        default: return ("\u{FFFD}", 1)
        }
        guard index + length <= bytes.count else { return ("\u{FFFD}", 1) }
        var value = UInt32(lead) & (0xFF >> UInt32(length + 1))
        for offset in 1..<length {
            let byte = bytes[index + offset]
            guard byte & 0xC0 == 0x80 else { return ("\u{FFFD}", 1) }
            value = value << 6 | UInt32(byte & 0x3F)
        }
        guard let scalar = Unicode.Scalar(value) else { return ("\u{FFFD}", 1) }
        return (scalar, length)
    }
}

/// Quotes a value for error messages, Go `%q`-style but without Go's escaping rules.
func goQuoted(_ value: String) -> String {
    var out = "\""
    for scalar in value.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        case "\r": out += "\\r"
        default:
            if scalar.value < 0x20 || scalar.value == 0x7F {
                let hex = String(scalar.value, radix: 16)
                out += "\\x" + (hex.count < 2 ? "0" + hex : hex)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    return out + "\""
}
