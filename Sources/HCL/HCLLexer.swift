/// Splits HCL native syntax into tokens: punctuation, bare words, numbers, strings, heredocs.
/// Comments (`#`, `//`, `/* */`) and whitespace including newlines are skipped.
struct HCLLexer {
    var cursor: HCLSourceCursor

    init(_ text: String, filename: String?) {
        cursor = HCLSourceCursor(text, filename: filename)
    }

    mutating func next() throws(HCLError) -> HCLToken {
        let startsLine = try skipWhitespaceAndComments()
        let position = cursor.position
        func token(_ kind: HCLTokenKind) -> HCLToken {
            HCLToken(kind: kind, position: position, startsLine: startsLine)
        }
        guard let byte = cursor.current else { return token(.end) }
        switch byte {
        case UInt8(ascii: "="): cursor.advance(); return token(.equals)
        case UInt8(ascii: "{"): cursor.advance(); return token(.leftBrace)
        case UInt8(ascii: "}"): cursor.advance(); return token(.rightBrace)
        case UInt8(ascii: "["): cursor.advance(); return token(.leftBracket)
        case UInt8(ascii: "]"): cursor.advance(); return token(.rightBracket)
        case UInt8(ascii: ","): cursor.advance(); return token(.comma)
        // `"..."` with escapes `\n \t \r \" \\ \uXXXX \UXXXXXXXX`; `${...}` is kept literally,
        // and quotes inside it do not end the string (HCL 1 behaviour).
        case UInt8(ascii: "\""): return token(.string(try cursor.scanQuotedString(.hcl)))
        case UInt8(ascii: "<") where cursor.peek(1) == UInt8(ascii: "<"):
            return token(.heredoc(try lexHeredoc()))
        case UInt8(ascii: "-") where cursor.peek(1).map(HCLByte.isDigit) == true:
            return token(try lexNumber())
        case _ where HCLByte.isDigit(byte):
            return token(try lexNumber())
        case _ where HCLByte.isLetter(byte):
            return token(.identifier(lexIdentifier()))
        default:
            throw cursor.error("unexpected \(cursor.currentCharacterDescription)")
        }
    }

    /// Returns whether a newline was crossed.
    private mutating func skipWhitespaceAndComments() throws(HCLError) -> Bool {
        var sawNewline = false
        while let byte = cursor.current {
            if byte == UInt8(ascii: "\n") {
                sawNewline = true
                cursor.advance()
            } else if HCLByte.isInlineSpace(byte) {
                cursor.advance()
            } else if byte == UInt8(ascii: "#")
                || (byte == UInt8(ascii: "/") && cursor.peek(1) == UInt8(ascii: "/")) {
                while let next = cursor.current, next != UInt8(ascii: "\n") { cursor.advance() }
            } else if byte == UInt8(ascii: "/") && cursor.peek(1) == UInt8(ascii: "*") {
                let start = cursor.position
                cursor.advance(by: 2)
                while true {
                    guard let next = cursor.current else {
                        throw cursor.error("unterminated comment: '/*' without '*/'", at: start)
                    }
                    if next == UInt8(ascii: "*") && cursor.peek(1) == UInt8(ascii: "/") {
                        cursor.advance(by: 2)
                        break
                    }
                    if next == UInt8(ascii: "\n") { sawNewline = true }
                    cursor.advance()
                }
            } else {
                break
            }
        }
        return sawNewline
    }

    private mutating func lexIdentifier() -> String {
        let start = cursor.offset
        while let byte = cursor.current, HCLByte.isIdentifierByte(byte) { cursor.advance() }
        return cursor.text(start..<cursor.offset)
    }

    /// Decimal or `0x` hexadecimal integers, optionally negative; floats with fraction and/or exponent.
    private mutating func lexNumber() throws(HCLError) -> HCLTokenKind {
        let start = cursor.position
        let startOffset = cursor.offset
        let negative = cursor.current == UInt8(ascii: "-")
        if negative { cursor.advance() }

        if cursor.current == UInt8(ascii: "0"),
           cursor.peek(1) == UInt8(ascii: "x") || cursor.peek(1) == UInt8(ascii: "X") {
            cursor.advance(by: 2)
            let digitsStart = cursor.offset
            while let byte = cursor.current, HCLByte.isHexDigit(byte) { cursor.advance() }
            let digits = cursor.text(digitsStart..<cursor.offset)
            try rejectTrailingIdentifierBytes(numberAt: start)
            guard !digits.isEmpty, let magnitude = UInt64(digits, radix: 16) else {
                throw cursor.error("bad number: hexadecimal literal out of range or without digits", at: start)
            }
            return .int(try Self.signed(magnitude, negative: negative, at: start, cursor: cursor))
        }

        var isFloat = false
        while let byte = cursor.current, HCLByte.isDigit(byte) { cursor.advance() }
        if cursor.current == UInt8(ascii: "."), cursor.peek(1).map(HCLByte.isDigit) == true {
            isFloat = true
            cursor.advance()
            while let byte = cursor.current, HCLByte.isDigit(byte) { cursor.advance() }
        }
        if cursor.current == UInt8(ascii: "e") || cursor.current == UInt8(ascii: "E") {
            let signLength = (cursor.peek(1) == UInt8(ascii: "+") || cursor.peek(1) == UInt8(ascii: "-")) ? 1 : 0
            if cursor.peek(1 + signLength).map(HCLByte.isDigit) == true {
                isFloat = true
                cursor.advance(by: 1 + signLength)
                while let byte = cursor.current, HCLByte.isDigit(byte) { cursor.advance() }
            }
        }
        try rejectTrailingIdentifierBytes(numberAt: start)
        let text = cursor.text(startOffset..<cursor.offset)
        if isFloat {
            guard let value = Double(text), value.isFinite else {
                throw cursor.error("bad number: out of range", at: start)
            }
            return .float(value)
        }
        guard let value = Int64(text) else {
            throw cursor.error("bad number: integer out of range", at: start)
        }
        return .int(value)
    }

    /// `10s`, `1.2.3`, `0x1g`: a number running into letters is a typo, not two tokens.
    private func rejectTrailingIdentifierBytes(numberAt start: HCLPosition) throws(HCLError) {
        if let byte = cursor.current, HCLByte.isIdentifierByte(byte) {
            throw cursor.error("bad number (to write text, quote it: \"...\")", at: start)
        }
    }

    private static func signed(
        _ magnitude: UInt64, negative: Bool, at position: HCLPosition, cursor: HCLSourceCursor
    ) throws(HCLError) -> Int64 {
        if negative {
            if magnitude == UInt64(Int64.max) + 1 { return Int64.min }
            if magnitude <= UInt64(Int64.max) { return -Int64(magnitude) }
        } else if magnitude <= UInt64(Int64.max) {
            return Int64(magnitude)
        }
        throw cursor.error("bad number: integer out of range", at: position)
    }
}
