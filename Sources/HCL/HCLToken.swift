/// A token of the HCL native syntax.
enum HCLTokenKind: Equatable {
    case identifier(String)
    case string(String)
    case heredoc(String)
    case int(Int64)
    case float(Double)
    case equals
    case leftBrace, rightBrace
    case leftBracket, rightBracket
    case comma
    case end

    /// The kind of token for error messages. Never the token's text: it may be a secret.
    var description: String {
        switch self {
        case .identifier: "a bare word"
        case .string: "a string"
        case .heredoc: "a heredoc"
        case .int, .float: "a number"
        case .equals: "'='"
        case .leftBrace: "'{'"
        case .rightBrace: "'}'"
        case .leftBracket: "'['"
        case .rightBracket: "']'"
        case .comma: "','"
        case .end: "end of file"
        }
    }
}

struct HCLToken {
    var kind: HCLTokenKind
    var position: HCLPosition
    /// A newline (or a comment containing one) came between this token and the previous one;
    /// used only to phrase "missing '='" errors well.
    var startsLine: Bool
}
