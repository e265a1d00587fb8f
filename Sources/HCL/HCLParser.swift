/// Recursive-descent parser for HCL 1 native syntax, one token of lookahead.
///
/// Items need no separator (HCL 1 accepts `a = 1 b = 2`); a comma after an item is allowed.
/// Nesting is capped so hostile input cannot exhaust the stack.
struct HCLParser {
    static let maximumNestingDepth = 100

    private var lexer: HCLLexer
    private var token: HCLToken
    private var depth = 0
    private let documentStart: HCLPosition

    init(_ text: String, filename: String?) throws(HCLError) {
        lexer = HCLLexer(text, filename: filename)
        documentStart = lexer.cursor.position
        token = try lexer.next()
    }

    mutating func parseDocument() throws(HCLError) -> HCLObject {
        HCLObject(items: try parseBody(openedAt: nil), position: documentStart)
    }

    private mutating func advance() throws(HCLError) {
        token = try lexer.next()
    }

    private func error(_ message: String, at position: HCLPosition? = nil) -> HCLError {
        HCLError(message, at: position ?? token.position)
    }

    /// Items up to the `}` matching `openedAt` (consumed), or to end of file at the top level.
    private mutating func parseBody(openedAt open: HCLPosition?) throws(HCLError) -> [HCLItem] {
        var items: [HCLItem] = []
        while true {
            switch token.kind {
            case .end:
                if let open {
                    throw error("expected '}' to close the block opened at line \(open.line), column \(open.column)")
                }
                return items
            case .rightBrace:
                guard open != nil else { throw error("unexpected '}' with no block to close") }
                try advance()
                return items
            case .identifier, .string:
                items.append(try parseItem())
                if token.kind == .comma { try advance() }
            default:
                throw error("expected a key, got \(token.kind.description)")
            }
        }
    }

    private static func keyText(_ kind: HCLTokenKind) -> String? {
        switch kind {
        case .identifier(let text), .string(let text): text
        default: nil
        }
    }

    /// `key = value`, or `key "label"... { body }`.
    private mutating func parseItem() throws(HCLError) -> HCLItem {
        let position = token.position
        var keys = [Self.keyText(token.kind) ?? ""]
        var lastKeyPosition = position
        try advance()
        while true {
            if let key = Self.keyText(token.kind) {
                if token.startsLine {
                    throw error("missing '=' or '{' after key", at: lastKeyPosition)
                }
                keys.append(key)
                lastKeyPosition = token.position
                try advance()
                continue
            }
            switch token.kind {
            case .equals:
                if keys.count > 1 {
                    throw error("expected '{' after block labels, got '=' (only a single key can be assigned)")
                }
                try advance()
                let valuePosition = token.position
                return HCLItem(keys: keys, value: try parseValue(), position: position, valuePosition: valuePosition)
            case .leftBrace:
                let valuePosition = token.position
                return HCLItem(keys: keys, value: .object(try parseObject()), position: position, valuePosition: valuePosition)
            case .end:
                throw error("missing '=' or '{' after key", at: lastKeyPosition)
            default:
                throw error("expected '=' or '{' after key, got \(token.kind.description)")
            }
        }
    }

    private mutating func parseValue() throws(HCLError) -> HCLValue {
        switch token.kind {
        case .string(let text), .heredoc(let text):
            try advance()
            return .string(text)
        case .int(let value):
            try advance()
            return .int(value)
        case .float(let value):
            try advance()
            return .float(value)
        case .identifier("true"):
            try advance()
            return .bool(true)
        case .identifier("false"):
            try advance()
            return .bool(false)
        case .identifier:
            throw error("expected a value, got a bare word (strings must be quoted)")
        case .leftBrace:
            return .object(try parseObject())
        case .leftBracket:
            return .list(try parseList())
        default:
            throw error("expected a value, got \(token.kind.description)")
        }
    }

    private mutating func enterNesting() throws(HCLError) {
        depth += 1
        if depth > Self.maximumNestingDepth {
            throw error("nesting too deep (more than \(Self.maximumNestingDepth) levels)")
        }
    }

    /// `{ body }`, the current token being the `{`.
    private mutating func parseObject() throws(HCLError) -> HCLObject {
        try enterNesting()
        defer { depth -= 1 }
        let open = token.position
        try advance()
        return HCLObject(items: try parseBody(openedAt: open), position: open)
    }

    /// `[a, b,]`, the current token being the `[`.
    private mutating func parseList() throws(HCLError) -> [HCLValue] {
        try enterNesting()
        defer { depth -= 1 }
        let open = token.position
        try advance()
        var elements: [HCLValue] = []
        while true {
            if token.kind == .rightBracket {
                try advance()
                return elements
            }
            if token.kind == .end {
                throw error("expected ']' to close the list opened at line \(open.line), column \(open.column)")
            }
            elements.append(try parseValue())
            switch token.kind {
            case .comma:
                try advance()
            case .rightBracket:
                continue
            case .end:
                throw error("expected ']' to close the list opened at line \(open.line), column \(open.column)")
            default:
                throw error("expected ',' or ']' in list, got \(token.kind.description)")
            }
        }
    }
}
