/// Builds the syntax tree from tokens, following the grammar of Go's
/// text/template/parse for the action subset Custos supports:
///
///     action    := "{{" pipeline "}}"
///     pipeline  := command ("|" command)*
///     command   := operand (space operand)*
///     operand   := string | number | .Field | function | "(" pipeline ")"
///
/// Things Go accepts but Custos does not (`if`, variables, `.A.B`, booleans)
/// are reported as `.unsupported` so an operator knows the template is not
/// simply mistyped.
struct Parser {
    private let tokens: [Token]
    private let locator: SourceLocator
    private var index = 0
    private var depth = 0

    init(tokens: [Token], locator: SourceLocator) {
        self.tokens = tokens
        self.locator = locator
    }

    static func parse(_ tokens: [Token], locator: SourceLocator) throws(UsernameTemplateError) -> [Segment] {
        var parser = Parser(tokens: tokens, locator: locator)
        return try parser.parseTemplate()
    }

    private mutating func parseTemplate() throws(UsernameTemplateError) -> [Segment] {
        var segments: [Segment] = []
        while true {
            let token = peek()
            advance()
            switch token.kind {
            case .eof:
                return segments
            case .text(let text):
                segments.append(.text(text))
            case .leftDelim:
                skipSpaces()
                if case .keyword(let word) = peek().kind, word != "true", word != "false", word != "nil" {
                    throw keywordError(word, at: peek().offset)
                }
                segments.append(.action(try parsePipeline(closing: .rightDelim, context: "command", offset: token.offset)))
            default:
                throw unexpected(token, in: "template")
            }
        }
    }

    private mutating func parsePipeline(
        closing: Token.Kind, context: String, offset: Int
    ) throws(UsernameTemplateError) -> Pipeline {
        var stages: [Stage] = []
        var expectingCommand = true
        while true {
            skipSpaces()
            let token = peek()
            if token.kind == closing {
                if stages.isEmpty {
                    throw locator.error(.syntax, "missing value for \(context)", at: token.offset)
                }
                if expectingCommand {
                    throw locator.error(.syntax, "missing command after \"|\"", at: token.offset)
                }
                advance()
                return Pipeline(stages: stages, offset: offset)
            }
            switch token.kind {
            case .pipe where !expectingCommand:
                advance()
                expectingCommand = true
            case .pipe, .rightDelim, .rightParen, .eof, .text, .leftDelim, .space:
                throw unexpected(token, in: context)
            default:
                guard expectingCommand else { throw unexpected(token, in: context) }
                stages.append(try parseCommand(stage: stages.count + 1))
                expectingCommand = false
            }
        }
    }

    private mutating func parseCommand(stage: Int) throws(UsernameTemplateError) -> Stage {
        var operands: [Operand] = []
        operandLoop: while true {
            skipSpaces()
            guard let operand = try parseOperand() else { break }
            operands.append(operand)
            let after = peek()
            switch after.kind {
            case .space:
                continue
            case .pipe, .rightDelim, .rightParen:
                break operandLoop
            case .field, .dot:
                throw locator.error(.unsupported, "chained field access (like .A.B or (x).A) is not supported", at: after.offset)
            default:
                throw unexpected(after, in: "operand")
            }
        }
        guard let head = operands.first else { throw unexpected(peek(), in: "command") }
        let arguments = Array(operands.dropFirst())
        if case .niladicCall(let function, let offset) = head {
            return .call(function, args: arguments, offset: offset)
        }
        if !arguments.isEmpty {
            // Go reports these when executing; they can never succeed, so report them now.
            if case .field(let name, _) = head {
                throw locator.error(.syntax, "field .\(name) is not a method but has arguments", at: head.offset)
            }
            throw locator.error(.syntax, "can't give argument to non-function", at: head.offset)
        }
        if stage > 1 {
            throw locator.error(.syntax, "non executable command in pipeline stage \(stage)", at: head.offset)
        }
        return .value(head)
    }

    private mutating func parseOperand() throws(UsernameTemplateError) -> Operand? {
        let token = peek()
        switch token.kind {
        case .string(let value):
            advance()
            return .string(value, offset: token.offset)
        case .number(let value):
            advance()
            return .int(value, offset: token.offset)
        case .field(let name):
            advance()
            return .field(name, offset: token.offset)
        case .dot:
            throw locator.error(.unsupported, "\".\" (the whole data object) cannot be used; name a field such as .DisplayName", at: token.offset)
        case .identifier(let name):
            advance()
            if let function = Builtin(rawValue: name) { return .niladicCall(function, offset: token.offset) }
            if Builtin.unsupportedGoBuiltins.contains(name) {
                throw locator.error(.unsupported, "function \(goQuoted(name)) (a Go template builtin) is not supported in username templates", at: token.offset)
            }
            throw locator.error(.undefinedFunction, "function \(goQuoted(name)) not defined", at: token.offset)
        case .keyword(let word):
            throw keywordError(word, at: token.offset)
        case .leftParen:
            guard depth < Limits.maxNestingDepth else {
                throw locator.error(.limitExceeded, "parentheses nested deeper than \(Limits.maxNestingDepth) levels", at: token.offset)
            }
            advance()
            depth += 1
            let pipeline = try parsePipeline(closing: .rightParen, context: "parenthesized pipeline", offset: token.offset)
            depth -= 1
            return .pipeline(pipeline)
        default:
            return nil
        }
    }

    // MARK: Helpers

    private func peek() -> Token {
        index < tokens.count ? tokens[index] : Token(kind: .eof, offset: tokens.last?.offset ?? 0)
    }

    private mutating func advance() {
        if index < tokens.count { index += 1 }
    }

    private mutating func skipSpaces() {
        while peek().kind == .space { advance() }
    }

    private func unexpected(_ token: Token, in context: String) -> UsernameTemplateError {
        locator.error(.syntax, "unexpected \(token.summary) in \(context)", at: token.offset)
    }

    private func keywordError(_ word: String, at offset: Int) -> UsernameTemplateError {
        switch word {
        case "true", "false", "nil":
            locator.error(.unsupported, "boolean and nil constants are not supported in username templates", at: offset)
        default:
            locator.error(.unsupported, "{{\(word)}} actions are not supported in username templates", at: offset)
        }
    }
}
