import Testing
@testable import HCL

@Suite("HCL and JSON syntax errors")
struct HCLErrorTests {
    struct Case: Sendable, CustomStringConvertible {
        var text: String
        var line: Int
        var column: Int
        var message: String
        var description: String { text }
    }

    @Test(arguments: [
        Case(text: "a = 1\nb = \"unterminated\nc = 2", line: 2, column: 5, message: "unterminated string"),
        Case(text: "a = \"never closed", line: 1, column: 5, message: "unterminated string"),
        Case(text: "a = 1\nb 2", line: 2, column: 3, message: "expected '=' or '{' after key, got a number"),
        Case(text: "a\nb = 1", line: 1, column: 1, message: "missing '=' or '{' after key"),
        Case(text: "a = 1\nlonely", line: 2, column: 1, message: "missing '=' or '{' after key"),
        Case(text: "x = {\n  y = 1\n", line: 3, column: 1, message: "expected '}' to close the block opened at line 1, column 5"),
        Case(text: "a = 1\n  /* never closed\nb = 2", line: 2, column: 3, message: "unterminated comment"),
        Case(text: #"a = "bad \q escape""#, line: 1, column: 10, message: "bad escape"),
        Case(text: #"a = "\u12""#, line: 1, column: 6, message: "bad escape"),
        Case(text: #"a = "\ud800""#, line: 1, column: 6, message: "bad escape"),
        Case(text: "port = 80x", line: 1, column: 8, message: "bad number"),
        Case(text: "v = 1.2.3", line: 1, column: 5, message: "bad number"),
        Case(text: "v = 0x", line: 1, column: 5, message: "bad number"),
        Case(text: "a = 99999999999999999999", line: 1, column: 5, message: "bad number"),
        Case(text: "k = <<EOF\nno end\n", line: 1, column: 5, message: "unterminated heredoc"),
        Case(text: "k = <<EOF trailing\nx\nEOF", line: 1, column: 10, message: "heredoc anchor must be followed by a newline"),
        Case(text: "k = <<\nx\n", line: 1, column: 5, message: "heredoc needs an anchor"),
        Case(text: "a = [1, 2 3]", line: 1, column: 11, message: "expected ',' or ']' in list, got a number"),
        Case(text: "a = [1, 2", line: 1, column: 10, message: "expected ']' to close the list opened at line 1, column 5"),
        Case(text: "a = [,]", line: 1, column: 6, message: "expected a value, got ','"),
        Case(text: #"path "x" = 1"#, line: 1, column: 10, message: "expected '{' after block labels"),
        Case(text: "}", line: 1, column: 1, message: "unexpected '}'"),
        Case(text: "a = foo", line: 1, column: 5, message: "bare word"),
        Case(text: "a =", line: 1, column: 4, message: "expected a value, got end of file"),
        Case(text: "= 1", line: 1, column: 1, message: "expected a key, got '='"),
        Case(text: "k = \"ééé\" @", line: 1, column: 11, message: "unexpected character '@'"),
        Case(text: "\tk\t=\t1 ;", line: 1, column: 8, message: "unexpected character ';'"),
        Case(text: "a = 1 / 2", line: 1, column: 7, message: "unexpected character '/'"),
        Case(text: "a = \u{1}", line: 1, column: 5, message: "unexpected character U+0001"),
        Case(text: "a =\u{A0}1", line: 1, column: 4, message: "unexpected character U+00A0"),
        // JSON
        Case(text: "{\n  \"a\": 1,\n  \"b\" 2\n}", line: 3, column: 7, message: "expected ':' after object key"),
        Case(text: #"{"a": [1, 2,]}"#, line: 1, column: 13, message: "expected a value, got character ']'"),
        Case(text: #"{"a": 1,}"#, line: 1, column: 9, message: "expected a quoted key"),
        Case(text: #"{"a": tru}"#, line: 1, column: 7, message: "unknown word"),
        Case(text: #"{"a": 01}"#, line: 1, column: 7, message: "bad number"),
        Case(text: #"{"a": 1.}"#, line: 1, column: 7, message: "bad number"),
        Case(text: #"{"a": -}"#, line: 1, column: 7, message: "bad number"),
        Case(text: #"{"a": 1e999}"#, line: 1, column: 7, message: "bad number"),
        Case(text: #"{"a": "x}"#, line: 1, column: 7, message: "unterminated string"),
        Case(text: #"{"a": null}"#, line: 1, column: 7, message: "null is not supported"),
        Case(text: #"{"a": 1} x"#, line: 1, column: 10, message: "after the JSON document"),
        Case(text: #"{"a": "\x"}"#, line: 1, column: 8, message: "bad escape"),
        Case(text: #"{"a": "\udc00"}"#, line: 1, column: 8, message: "bad escape"),
        Case(text: "{\"a\": \"tab\there\"}", line: 1, column: 11, message: "control character"),
        Case(text: #"{"a": {"b": 1}"#, line: 1, column: 15, message: "expected '}' to close the object opened at line 1, column 1"),
        Case(text: #"{"a" 1}"#, line: 1, column: 6, message: "expected ':'"),
    ])
    func errorPosition(_ testCase: Case) throws {
        let error = try #require(parseError(testCase.text))
        #expect(error.position.line == testCase.line)
        #expect(error.position.column == testCase.column)
        #expect(error.message.contains(testCase.message), "message was: \(error.message)")
    }

    @Test func explicitParsersRejectTheOtherForm() throws {
        #expect(throws: HCLError.self) { try HCLDocument.parseJSON("a = 1") }
        #expect(throws: HCLError.self) { try HCLDocument.parseJSON("[1]") }
        let error = try #require(throws: HCLError.self) { try HCLDocument.parseHCL(#"{"a": 1}"#) }
        #expect(error.position == HCLPosition(line: 1, column: 1))
    }

    @Test func descriptionCarriesFileLineAndColumn() throws {
        let withFile = try #require(parseError("a = 1\nb 2", filename: "policy.hcl"))
        #expect(withFile.position.description == "policy.hcl:2:3")
        #expect(withFile.description == "policy.hcl:2:3: expected '=' or '{' after key, got a number")
        let withoutFile = try #require(parseError("a = 1\nb 2"))
        #expect(withoutFile.position.description == "2:3")
        #expect(withoutFile.description == "line 2, column 3: expected '=' or '{' after key, got a number")
    }

    /// Config files hold passwords; a syntax error must not copy them into a log line.
    @Test(arguments: [
        #"password = "hunter2-secret"#,
        "password = hunter2-secret",
        #"password "hunter2-secret" = 1"#,
        "password = [\"hunter2-secret\" \"x\"]",
        #"{"password": "hunter2-secret" "x"}"#,
        #"{"password": "hunter2-secret\q"}"#,
        "password = \"hunter2-secret\\q\"",
    ])
    func errorsNeverEchoValues(text: String) throws {
        let error = try #require(parseError(text))
        #expect(!error.description.contains("hunter2"))
    }

    @Test func deepNestingIsAnErrorNotACrash() throws {
        let depth = 100_000
        let lists = "a = " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        #expect(parseError(lists)?.message.contains("nesting too deep") == true)
        let objects = String(repeating: "a {", count: depth) + String(repeating: "}", count: depth)
        #expect(parseError(objects)?.message.contains("nesting too deep") == true)
        let json = String(repeating: "{\"a\":", count: depth) + "1" + String(repeating: "}", count: depth)
        #expect(parseError(json)?.message.contains("nesting too deep") == true)
        let jsonArrays = "{\"a\":" + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}"
        #expect(parseError(jsonArrays)?.message.contains("nesting too deep") == true)
        // Fifty levels are fine.
        #expect(parseError("a = " + String(repeating: "[", count: 50) + String(repeating: "]", count: 50)) == nil)
    }
}
