/// The one error type of the template language, thrown both when a template is
/// parsed (so the server can answer 400 when `username_template` is written)
/// and when it is rendered.
package struct UsernameTemplateError: Error, Hashable, Sendable, CustomStringConvertible {
    package enum Code: String, Hashable, Sendable {
        /// Malformed template text: unbalanced `{{`, unterminated string, stray `)`.
        case syntax
        /// A function name that neither Vault nor Go's text/template defines.
        case undefinedFunction
        /// Valid Go template syntax that Custos does not implement (`if`, `$x`, `eq`, floats…).
        case unsupported
        /// A function called with too few or too many arguments.
        case argumentCount
        /// An argument of the wrong type (string where an int is expected, or the reverse).
        case argumentType
        /// An argument of the right type but an unusable value (`truncate 0`, `random -1`).
        case invalidArgument
        /// A safety bound was hit: template size, nesting depth, `random` length, value size.
        case limitExceeded
        /// Render time: the template names a field the caller did not supply.
        case unknownField
        /// Render time: the injected clock or random source could not be used.
        case environment
    }

    package var code: Code
    package var message: String
    /// 1-based position in the template text, when the error points at a place in it.
    package var line: Int?
    package var column: Int?

    package init(_ code: Code, _ message: String, line: Int? = nil, column: Int? = nil) {
        self.code = code
        self.message = message
        self.line = line
        self.column = column
    }

    /// Whether `UsernameTemplate.init` or `render` raised the error.
    package enum Phase: String, Hashable, Sendable {
        case parse
        case render
    }

    package var phase: Phase = .parse

    /// True for errors that depend only on the template text, i.e. ones that
    /// `UsernameTemplate.init` throws and a write endpoint should map to 400.
    package var isParseError: Bool { phase == .parse }

    package var description: String {
        guard let line, let column else { return message }
        return "line \(line), column \(column): \(message)"
    }
}

/// Turns byte offsets into the line/column pairs shown to people.
struct SourceLocator: Sendable {
    private let bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Column counts Unicode scalars, which is what an editor shows for most text.
    func location(of offset: Int) -> (line: Int, column: Int) {
        let end = min(max(offset, 0), bytes.count)
        var line = 1
        var column = 1
        var index = 0
        while index < end {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
            index += 1
        }
        return (line, column)
    }

    func error(_ code: UsernameTemplateError.Code, _ message: String, at offset: Int) -> UsernameTemplateError {
        let (line, column) = location(of: offset)
        return UsernameTemplateError(code, message, line: line, column: column)
    }
}
