/// Splits template text into tokens following Go's text/template lexer
/// (modern form: `{{-`/`-}}` trim markers, blanks include newlines inside actions,
/// `{{/* comments */}}`). Works on UTF-8 bytes with checked indexing throughout.
struct Lexer {
    private let bytes: [UInt8]
    private let locator: SourceLocator
    private var pos = 0
    private var parenDepth = 0
    private var tokens: [Token] = []

    private static let keywords: Set<String> = [
        "block", "break", "continue", "define", "else", "end", "if", "range", "template", "with",
        "nil", "true", "false",
    ]

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        self.locator = SourceLocator(bytes)
    }

    static func tokenize(_ bytes: [UInt8]) throws(UsernameTemplateError) -> [Token] {
        var lexer = Lexer(bytes)
        try lexer.lexText()
        return lexer.tokens
    }

    // MARK: Text and delimiters

    private mutating func lexText() throws(UsernameTemplateError) {
        while pos < bytes.count {
            guard let delim = find([0x7B, 0x7B], from: pos) else { break }  // "{{"
            let afterDelim = delim + 2
            let trimLeft = hasLeftTrimMarker(at: afterDelim)
            var textEnd = delim
            if trimLeft {
                while textEnd > pos, CharClass.isSpace(bytes[textEnd - 1]) { textEnd -= 1 }
            }
            emitText(from: pos, to: textEnd)
            pos = afterDelim + (trimLeft ? 2 : 0)
            if hasPrefix([0x2F, 0x2A], at: pos) {  // "/*"
                try lexComment(openedAt: delim)
                continue
            }
            tokens.append(Token(kind: .leftDelim, offset: delim))
            parenDepth = 0
            try lexInsideAction()
        }
        emitText(from: pos, to: bytes.count)
        pos = bytes.count
        tokens.append(Token(kind: .eof, offset: bytes.count))
    }

    private mutating func emitText(from start: Int, to end: Int) {
        guard start < end else { return }
        tokens.append(Token(kind: .text(String(decoding: bytes[start..<end], as: UTF8.self)), offset: start))
    }

    private mutating func lexComment(openedAt start: Int) throws(UsernameTemplateError) {
        guard let close = find([0x2A, 0x2F], from: pos + 2) else {  // "*/"
            throw locator.error(.syntax, "unclosed comment", at: start)
        }
        pos = close + 2
        guard let trimRight = atRightDelim() else {
            throw locator.error(.syntax, "comment ends before closing delimiter", at: start)
        }
        consumeRightDelim(trim: trimRight)
    }

    /// `-` followed by a blank right after `{{`; `{{-3}}` is the number -3.
    private func hasLeftTrimMarker(at index: Int) -> Bool {
        index + 1 < bytes.count && bytes[index] == UInt8(ascii: "-") && CharClass.isSpace(bytes[index + 1])
    }

    /// nil when not at `}}`; otherwise whether it is the trimming form ` -}}`.
    private func atRightDelim() -> Bool? {
        if pos + 3 < bytes.count, CharClass.isSpace(bytes[pos]), bytes[pos + 1] == UInt8(ascii: "-"),
           bytes[pos + 2] == 0x7D, bytes[pos + 3] == 0x7D {
            return true
        }
        if hasPrefix([0x7D, 0x7D], at: pos) { return false }
        return nil
    }

    private mutating func consumeRightDelim(trim: Bool) {
        pos += trim ? 4 : 2
        if trim {
            while pos < bytes.count, CharClass.isSpace(bytes[pos]) { pos += 1 }
        }
    }

    // MARK: Inside an action

    private mutating func lexInsideAction() throws(UsernameTemplateError) {
        while true {
            if let trim = atRightDelim() {
                guard parenDepth == 0 else { throw locator.error(.syntax, "unclosed left paren", at: pos) }
                tokens.append(Token(kind: .rightDelim, offset: pos))
                consumeRightDelim(trim: trim)
                return
            }
            guard pos < bytes.count else { throw locator.error(.syntax, "unclosed action", at: pos) }
            let start = pos
            let byte = bytes[pos]
            switch byte {
            case _ where CharClass.isSpace(byte):
                while pos < bytes.count, CharClass.isSpace(bytes[pos]) { pos += 1 }
                // Leave the blank that belongs to a following " -}}" in place.
                if hasPrefix([0x2D, 0x7D, 0x7D], at: pos) { pos -= 1 }
                if pos > start { tokens.append(Token(kind: .space, offset: start)) }
            case UInt8(ascii: "|"):
                pos += 1
                tokens.append(Token(kind: .pipe, offset: start))
            case UInt8(ascii: "("):
                pos += 1
                parenDepth += 1
                // Checked here too so "{{((((…" fails on depth, not on the missing "}}".
                guard parenDepth <= Limits.maxNestingDepth else {
                    throw locator.error(.limitExceeded, "parentheses nested deeper than \(Limits.maxNestingDepth) levels", at: start)
                }
                tokens.append(Token(kind: .leftParen, offset: start))
            case UInt8(ascii: ")"):
                pos += 1
                parenDepth -= 1
                guard parenDepth >= 0 else { throw locator.error(.syntax, "unexpected right paren", at: start) }
                tokens.append(Token(kind: .rightParen, offset: start))
            case UInt8(ascii: "\""):
                try lexQuote()
            case UInt8(ascii: "`"):
                try lexRawQuote()
            case UInt8(ascii: "$"):
                throw locator.error(.unsupported, "variables ($name) are not supported in username templates", at: start)
            case UInt8(ascii: ":"):
                throw locator.error(.unsupported, "variable declarations (:=) are not supported in username templates", at: start)
            case UInt8(ascii: "'"):
                throw locator.error(.unsupported, "character constants are not supported in username templates", at: start)
            case UInt8(ascii: "."):
                if pos + 1 < bytes.count, CharClass.isDigit(bytes[pos + 1]) {
                    try lexNumber()
                } else {
                    try lexField()
                }
            case UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                try lexNumber()
            default:
                guard let (scalar, _) = CharClass.scalar(in: bytes, at: pos) else {
                    throw locator.error(.syntax, "unclosed action", at: pos)
                }
                if CharClass.isAlphaNumeric(scalar) {
                    try lexIdentifier()
                } else if scalar.isASCII {
                    throw locator.error(.syntax, "unexpected \(goQuoted(String(scalar))) in action", at: start)
                } else {
                    let hex = String(scalar.value, radix: 16, uppercase: true)
                    throw locator.error(.syntax, "unrecognized character in action: U+\(hex)", at: start)
                }
            }
        }
    }

    private mutating func scanAlphaNumerics() {
        while let (scalar, length) = CharClass.scalar(in: bytes, at: pos), CharClass.isAlphaNumeric(scalar) {
            pos += length
        }
    }

    /// Go's `atTerminator`: what may follow an identifier or field name.
    private func checkTerminator(after start: Int) throws(UsernameTemplateError) {
        guard pos < bytes.count else { return }
        let byte = bytes[pos]
        if CharClass.isSpace(byte) { return }
        switch byte {
        case UInt8(ascii: "."), UInt8(ascii: ","), UInt8(ascii: "|"), UInt8(ascii: ":"),
             UInt8(ascii: ")"), UInt8(ascii: "("), 0x7D:
            return
        default:
            let shown = CharClass.scalar(in: bytes, at: pos)?.scalar ?? "?"
            throw locator.error(.syntax, "bad character \(goQuoted(String(shown))) after \(goQuoted(String(decoding: bytes[start..<pos], as: UTF8.self)))", at: pos)
        }
    }

    private mutating func lexIdentifier() throws(UsernameTemplateError) {
        let start = pos
        scanAlphaNumerics()
        try checkTerminator(after: start)
        let word = String(decoding: bytes[start..<pos], as: UTF8.self)
        let kind: Token.Kind = Self.keywords.contains(word) ? .keyword(word) : .identifier(word)
        tokens.append(Token(kind: kind, offset: start))
    }

    private mutating func lexField() throws(UsernameTemplateError) {
        let start = pos
        pos += 1  // the dot
        let nameStart = pos
        scanAlphaNumerics()
        try checkTerminator(after: start)
        if pos == nameStart {
            tokens.append(Token(kind: .dot, offset: start))
        } else {
            tokens.append(Token(kind: .field(String(decoding: bytes[nameStart..<pos], as: UTF8.self)), offset: start))
        }
    }

    private mutating func lexQuote() throws(UsernameTemplateError) {
        let start = pos
        pos += 1
        while true {
            guard pos < bytes.count, bytes[pos] != 0x0A else {
                throw locator.error(.syntax, "unterminated quoted string", at: start)
            }
            let byte = bytes[pos]
            pos += 1
            if byte == UInt8(ascii: "\"") { break }
            if byte == UInt8(ascii: "\\") {
                guard pos < bytes.count, bytes[pos] != 0x0A else {
                    throw locator.error(.syntax, "unterminated quoted string", at: start)
                }
                pos += 1
            }
        }
        do {
            let value = try GoLiterals.unquoteInterpreted(bytes[(start + 1)..<(pos - 1)])
            tokens.append(Token(kind: .string(value), offset: start))
        } catch .invalidEscape(let escape) {
            throw locator.error(.syntax, "invalid escape sequence \(escape) in string", at: start)
        } catch {
            throw locator.error(.syntax, "string literal is not valid UTF-8", at: start)
        }
    }

    private mutating func lexRawQuote() throws(UsernameTemplateError) {
        let start = pos
        guard let close = find([UInt8(ascii: "`")], from: pos + 1) else {
            throw locator.error(.syntax, "unterminated raw quoted string", at: start)
        }
        pos = close + 1
        tokens.append(Token(kind: .string(GoLiterals.unquoteRaw(bytes[(start + 1)..<close])), offset: start))
    }

    /// Go's `scanNumber`, then the parser's conversion; only integers are supported.
    private mutating func lexNumber() throws(UsernameTemplateError) {
        let start = pos
        accept("+-")
        var digits = "0123456789_"
        if accept("0") {
            if accept("xX") { digits = "0123456789abcdefABCDEF_" }
            else if accept("oO") { digits = "01234567_" }
            else if accept("bB") { digits = "01_" }
        }
        acceptRun(digits)
        if accept(".") { acceptRun(digits) }
        if digits.count == 11, accept("eE") { accept("+-"); acceptRun("0123456789_") }
        if digits.count == 23, accept("pP") { accept("+-"); acceptRun("0123456789_") }
        accept("i")
        let text = String(decoding: bytes[start..<pos], as: UTF8.self)
        if let (scalar, length) = CharClass.scalar(in: bytes, at: pos), CharClass.isAlphaNumeric(scalar) {
            pos += length
            throw locator.error(.syntax, "bad number syntax: \(goQuoted(String(decoding: bytes[start..<pos], as: UTF8.self)))", at: start)
        }
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "+") || bytes[pos] == UInt8(ascii: "-") {
            throw locator.error(.unsupported, "complex constants are not supported: \(goQuoted(text))", at: start)
        }
        do {
            let value = try GoLiterals.parseInteger(Array(bytes[start..<pos]))
            tokens.append(Token(kind: .number(value), offset: start))
        } catch .notAnInteger {
            throw locator.error(.unsupported, "only integer constants are supported, not \(goQuoted(text))", at: start)
        } catch .outOfRange {
            throw locator.error(.syntax, "integer constant \(text) overflows int", at: start)
        } catch {
            throw locator.error(.syntax, "bad number syntax: \(goQuoted(text))", at: start)
        }
    }

    @discardableResult
    private mutating func accept(_ valid: String) -> Bool {
        guard pos < bytes.count, valid.utf8.contains(bytes[pos]) else { return false }
        pos += 1
        return true
    }

    private mutating func acceptRun(_ valid: String) {
        while accept(valid) {}
    }

    // MARK: Byte helpers

    private func hasPrefix(_ prefix: [UInt8], at index: Int) -> Bool {
        guard index >= 0, index + prefix.count <= bytes.count else { return false }
        for (offset, byte) in prefix.enumerated() where bytes[index + offset] != byte { return false }
        return true
    }

    private func find(_ needle: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, start >= 0 else { return nil }
        var index = start
        while index + needle.count <= bytes.count {
            if bytes[index] == needle[0], hasPrefix(needle, at: index) { return index }
            index += 1
        }
        return nil
    }
}
