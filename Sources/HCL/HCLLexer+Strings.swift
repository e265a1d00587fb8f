/// Quoted strings and heredocs of the HCL native syntax.
extension HCLLexer {
    /// `"..."` with escapes `\n \t \r \" \\ \uXXXX \UXXXXXXXX`; `${...}` is kept literally,
    /// and quotes inside it do not end the string (HCL 1 behaviour).
    mutating func lexQuotedString() throws(HCLError) -> String {
        let start = cursor.position
        cursor.advance()
        var bytes: [UInt8] = []
        while true {
            guard let byte = cursor.current else {
                throw cursor.error("unterminated string: missing closing '\"'", at: start)
            }
            switch byte {
            case UInt8(ascii: "\""):
                cursor.advance()
                return String(decoding: bytes, as: UTF8.self)
            case UInt8(ascii: "\n"):
                throw cursor.error(
                    "unterminated string: missing closing '\"' before end of line (use a heredoc for multi-line text)",
                    at: start)
            case UInt8(ascii: "\\"):
                try lexEscape(into: &bytes, stringStart: start)
            case UInt8(ascii: "$") where cursor.peek(1) == UInt8(ascii: "{"):
                try copyInterpolation(into: &bytes, stringStart: start)
            default:
                bytes.append(byte)
                cursor.advance()
            }
        }
    }

    private mutating func lexEscape(into bytes: inout [UInt8], stringStart: HCLPosition) throws(HCLError) {
        let escapeStart = cursor.position
        cursor.advance()
        guard let letter = cursor.current else {
            throw cursor.error("unterminated string: missing closing '\"'", at: stringStart)
        }
        switch letter {
        case UInt8(ascii: "n"): bytes.append(0x0A); cursor.advance()
        case UInt8(ascii: "t"): bytes.append(0x09); cursor.advance()
        case UInt8(ascii: "r"): bytes.append(0x0D); cursor.advance()
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(letter); cursor.advance()
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            cursor.advance()
            let digits = letter == UInt8(ascii: "u") ? 4 : 8
            guard var value = cursor.readHex(digits: digits) else {
                throw cursor.error("bad escape: \\\(Character(Unicode.Scalar(letter))) needs \(digits) hexadecimal digits", at: escapeStart)
            }
            // A UTF-16 surrogate pair written as two \u escapes, as JSON-minded writers do.
            if (0xD800...0xDBFF).contains(value), cursor.current == UInt8(ascii: "\\"),
               cursor.peek(1) == UInt8(ascii: "u") {
                var lookahead = cursor
                lookahead.advance(by: 2)
                if let low = lookahead.readHex(digits: 4), (0xDC00...0xDFFF).contains(low) {
                    cursor = lookahead
                    value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
                }
            }
            guard let scalar = Unicode.Scalar(value) else {
                throw cursor.error("bad escape: not a valid Unicode scalar value", at: escapeStart)
            }
            UTF8.encode(scalar) { bytes.append($0) }
        default:
            throw cursor.error("bad escape sequence (valid: \\n \\t \\r \\\" \\\\ \\uXXXX \\UXXXXXXXX)", at: escapeStart)
        }
    }

    /// Copies `${ ... }` verbatim, tracking nested braces.
    private mutating func copyInterpolation(into bytes: inout [UInt8], stringStart: HCLPosition) throws(HCLError) {
        var depth = 0
        while let byte = cursor.current {
            bytes.append(byte)
            cursor.advance()
            if byte == UInt8(ascii: "{") {
                depth += 1
            } else if byte == UInt8(ascii: "}") {
                depth -= 1
                if depth == 0 { return }
            } else if byte == UInt8(ascii: "\\"), let escaped = cursor.current {
                bytes.append(escaped)
                cursor.advance()
            }
        }
        throw cursor.error("unterminated string: '${' without closing '}' and '\"'", at: stringStart)
    }

    /// `<<EOF` ... `EOF`, and `<<-EOF` whose lines lose the terminator line's indentation.
    ///
    /// The closing anchor may be indented in both forms. The text includes the newline that ends
    /// its last line, as in HCL 1.
    mutating func lexHeredoc() throws(HCLError) -> String {
        let start = cursor.position
        cursor.advance(by: 2)
        let indented = cursor.current == UInt8(ascii: "-")
        if indented { cursor.advance() }
        let anchorStart = cursor.offset
        while let byte = cursor.current, HCLByte.isLetter(byte) || HCLByte.isDigit(byte) { cursor.advance() }
        let anchor = Array(cursor.bytes[anchorStart..<cursor.offset])
        if anchor.isEmpty {
            throw cursor.error("heredoc needs an anchor name after '<<', like <<EOF", at: start)
        }
        if cursor.current == UInt8(ascii: "\r"), cursor.peek(1) == UInt8(ascii: "\n") { cursor.advance() }
        guard let afterAnchor = cursor.current else {
            throw cursor.error("unterminated heredoc: no closing anchor line", at: start)
        }
        guard afterAnchor == UInt8(ascii: "\n") else {
            throw cursor.error("heredoc anchor must be followed by a newline")
        }
        cursor.advance()

        let bytes = cursor.bytes
        let contentStart = cursor.offset
        while true {
            let lineStart = cursor.offset
            var lineEnd = lineStart
            while lineEnd < bytes.count, bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
            if let indentEnd = Self.terminatorIndentEnd(bytes, line: lineStart..<lineEnd, anchor: anchor) {
                let content = Array(bytes[contentStart..<lineStart])
                let indent = Array(bytes[lineStart..<indentEnd])
                cursor.advance(by: lineEnd - lineStart)
                let text = indented ? Self.unindent(content, by: indent) : content
                return String(decoding: text, as: UTF8.self)
            }
            if lineEnd == bytes.count {
                throw cursor.error("unterminated heredoc: no closing anchor line", at: start)
            }
            cursor.advance(by: lineEnd + 1 - lineStart)
        }
    }

    /// If `line` is optional whitespace, the anchor, optional `\r`s, returns where the whitespace ends.
    private static func terminatorIndentEnd(_ bytes: [UInt8], line: Range<Int>, anchor: [UInt8]) -> Int? {
        var index = line.lowerBound
        while index < line.upperBound, HCLByte.isInlineSpace(bytes[index]) { index += 1 }
        let indentEnd = index
        guard line.upperBound - index >= anchor.count,
              bytes[index..<(index + anchor.count)].elementsEqual(anchor) else { return nil }
        index += anchor.count
        while index < line.upperBound {
            guard bytes[index] == UInt8(ascii: "\r") else { return nil }
            index += 1
        }
        return indentEnd
    }

    /// HCL 1's `<<-` rule: strip the closing anchor's indentation from every line, but only if
    /// every line starts with it; otherwise the text is left as written. Unlike HCL 1, blank
    /// (whitespace-only) lines do not count against the rule, so a blank line inside an
    /// indented heredoc does not switch stripping off.
    static func unindent(_ content: [UInt8], by indent: [UInt8]) -> [UInt8] {
        guard !indent.isEmpty, !content.isEmpty else { return content }
        let lines = content.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        func isBlank(_ line: ArraySlice<UInt8>) -> Bool { line.allSatisfy(HCLByte.isInlineSpace) }
        for line in lines where !line.starts(with: indent) && !isBlank(line) {
            return content
        }
        var result: [UInt8] = []
        result.reserveCapacity(content.count)
        for (index, line) in lines.enumerated() {
            if index > 0 { result.append(UInt8(ascii: "\n")) }
            if line.starts(with: indent) {
                result.append(contentsOf: line.dropFirst(indent.count))
            } else if !isBlank(line) {
                result.append(contentsOf: line)
            }
        }
        return result
    }
}

extension HCLSourceCursor {
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
