import Testing
@testable import HCL

/// The one quoted-string scanner serves both grammars; these pin down where the HCL and JSON
/// dialects must still differ, so that sharing the loop cannot blur them.
@Suite("Quoted strings: HCL and JSON dialects")
struct HCLQuotedStringTests {
    enum Outcome: Equatable, CustomStringConvertible {
        case text(String)
        /// The message contains `message`; the error points at `column` of line 1.
        case error(String, column: Int)

        var description: String {
            switch self {
            case .text(let text): "text \(text.debugDescription)"
            case .error(let message, let column): "error at column \(column): \(message)"
            }
        }
    }

    static func scan(_ literal: String, _ dialect: HCLQuotedStringDialect) -> Outcome {
        var cursor = HCLSourceCursor(literal, filename: nil)
        do {
            return .text(try cursor.scanQuotedString(dialect))
        } catch {
            return .error(error.message, column: error.position.column)
        }
    }

    static func matches(_ actual: Outcome, _ expected: Outcome) -> Bool {
        switch (actual, expected) {
        case (.error(let message, let column), .error(let fragment, let expectedColumn)):
            message.contains(fragment) && column == expectedColumn
        default:
            actual == expected
        }
    }

    struct Case: Sendable, CustomStringConvertible {
        var literal: String
        var hcl: Outcome
        var json: Outcome
        var description: String { literal }
    }

    @Test(arguments: [
        // Alike in both.
        Case(literal: #""a\nb\tc\rd\"e\\f""#, hcl: .text("a\nb\tc\rd\"e\\f"), json: .text("a\nb\tc\rd\"e\\f")),
        Case(literal: #""\ud83d\ude00 \u00e9""#, hcl: .text("😀 é"), json: .text("😀 é")),
        Case(literal: #""never closed"#,
             hcl: .error("unterminated string: missing closing '\"'", column: 1),
             json: .error("unterminated string: missing closing '\"'", column: 1)),
        Case(literal: #""\u12""#,
             hcl: .error("bad escape: \\u needs 4 hexadecimal digits", column: 2),
             json: .error("bad escape: \\u needs 4 hexadecimal digits", column: 2)),
        // HCL only: 8-digit escapes, `${...}` copied whole, raw control characters.
        Case(literal: #""\U0001F600""#, hcl: .text("😀"), json: .error("bad escape sequence", column: 2)),
        Case(literal: #""${"}""#, hcl: .text(#"${"}"#), json: .text("${")),
        Case(literal: "\"a\tb\"", hcl: .text("a\tb"), json: .error("control character in string must be escaped", column: 3)),
        // JSON only: `\/`, `\b`, `\f`.
        Case(literal: #""\/\b\f""#, hcl: .error("bad escape sequence", column: 2), json: .text("/\u{8}\u{C}")),
        // A lone surrogate: HCL says the scalar is invalid, JSON that the pair is incomplete.
        Case(literal: #""\ud83dx""#,
             hcl: .error("bad escape: not a valid Unicode scalar value", column: 2),
             json: .error("bad escape: unpaired UTF-16 surrogate", column: 2)),
        Case(literal: #""\ud83d\u0041""#,
             hcl: .error("bad escape: not a valid Unicode scalar value", column: 2),
             json: .error("bad escape: unpaired UTF-16 surrogate", column: 2)),
        // A backslash at the end of the file, and a newline before the closing quote.
        Case(literal: #""\"#,
             hcl: .error("unterminated string: missing closing '\"'", column: 1),
             json: .error("bad escape at end of file", column: 2)),
        Case(literal: "\"a\nb\"",
             hcl: .error("before end of line (use a heredoc for multi-line text)", column: 1),
             json: .error("unterminated string: missing closing '\"' before end of line", column: 1)),
    ])
    func dialects(_ testCase: Case) {
        let hcl = Self.scan(testCase.literal, .hcl)
        let json = Self.scan(testCase.literal, .json)
        #expect(Self.matches(hcl, testCase.hcl), "HCL gave \(hcl)")
        #expect(Self.matches(json, testCase.json), "JSON gave \(json)")
    }

    @Test func jsonNewlineMessageHasNoHeredocHint() {
        #expect(Self.scan("\"a\nb\"", .json) == .error("unterminated string: missing closing '\"' before end of line", column: 1))
    }

    @Test func scanningStopsAfterTheClosingQuote() throws {
        var cursor = HCLSourceCursor(#""a" rest"#, filename: nil)
        #expect(try cursor.scanQuotedString(.json) == "a")
        #expect(cursor.offset == 3)
    }
}
