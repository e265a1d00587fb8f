import Testing
@testable import CustosCore

@Suite("Template syntax")
struct SyntaxTests {
    @Test("text outside actions is copied verbatim, including stray braces")
    func literalText() throws {
        #expect(try render("pre-{{.RoleName}}-mid-{{random 3}}-post") == "pre-my_custom_database_role-mid-abc-post")
        #expect(try render("a}}b { c }") == "a}}b { c }")
        #expect(try render("ünïcødé {{ .RoleName | truncate 2 }}") == "ünïcødé my")
    }

    @Test("{{- trims blanks before an action and -}} after it")
    func trimMarkers() throws {
        #expect(try render("a  \n\t{{- .RoleName -}} \r\n  b") == "amy_custom_database_roleb")
        #expect(try render("a {{- 3}} b") == "a3 b")
        #expect(try render("a {{3 -}} b") == "a 3b")
        #expect(try render("{{- 3 -}}") == "3")
        #expect(try render("x {{-\n3\n-}} y") == "x3y")
        // Without a blank after it, '-' is a sign: "{{-3}}" prints -3 and trims nothing.
        #expect(try render("a {{-3}} b") == "a -3 b")
        #expect(try render("a {{ -3 }} b") == "a -3 b")
    }

    @Test("comments, with and without trimming")
    func comments() throws {
        #expect(try render("a{{/* a comment */}}b") == "ab")
        #expect(try render("a {{- /* spans\nlines */ -}} b") == "ab")
        #expect(try render("{{/**/}}") == "")
        #expect(parseFailure("{{/* unclosed")?.message == "unclosed comment")
        #expect(parseFailure("{{/* c */ .RoleName}}")?.message == "comment ends before closing delimiter")
        #expect(parseFailure("{{ /* c */ }}")?.code == .syntax)  // a comment must touch the delimiters
    }

    @Test("newlines and tabs separate arguments inside an action")
    func multilineAction() throws {
        let template = "{{ printf \"%s-%s\"\n\t.DisplayName\n\t.RoleName\n}}"
        #expect(try render(template) == "token-with-display-name-my_custom_database_role")
    }

    @Test("string literals: Go escapes and raw strings")
    func strings() throws {
        #expect(try render(#"{{ "tab\there \"q\" back\\slash" }}"#) == "tab\there \"q\" back\\slash")
        #expect(try render(#"{{ "\x41\101\u00e9\U0001F600\a\b\f\v\r\n" }}"#) == "AAé😀\u{07}\u{08}\u{0C}\u{0B}\r\n")
        #expect(try render(#"{{ "\xc3\xa9" }}"#) == "é")  // bytes forming UTF-8
        #expect(try render("{{ `raw \\n \"kept\"` }}") == #"raw \n "kept""#)
        #expect(try render("{{ `line1\r\nline2` }}") == "line1\nline2")  // Go drops \r from raw strings
        #expect(try render("{{ `}}` }}") == "}}")
        #expect(try render(#"{{ "" }}"#) == "")
    }

    @Test("integer literals use Go's syntax", arguments: [
        ("42", "42"), ("-5", "-5"), ("+5", "5"), ("0x1F", "31"), ("0X1f", "31"), ("0o17", "15"),
        ("017", "15"), ("0b101", "5"), ("1_000", "1000"), ("0x_1F", "31"), ("089", "89"), ("0", "0"),
        ("9223372036854775807", "9223372036854775807"), ("-9223372036854775808", "-9223372036854775808"),
    ])
    func integers(literal: String, printed: String) throws {
        #expect(try render("{{ \(literal) }}") == printed)
        #expect(try render("{{ printf \"%d\" \(literal) }}") == printed)
    }

    @Test("the piped value becomes the last argument")
    func pipelines() throws {
        #expect(try render(#"{{ "abc" | printf "%s-%s" "x" }}"#) == "x-abc")
        #expect(try render(".{{ .RoleName | truncate 9 | uppercase | replace \"_\" \".\" }}.") == ".MY.CUSTOM.")
        #expect(try render("{{ 5 | random }}") == "abcde")
        #expect(try render("{{ 4 | printf \"%03d\" }}") == "004")
        let long = "{{ .RoleName" + String(repeating: " | lowercase", count: 2000) + " }}"
        #expect(try render(long) == "my_custom_database_role")
    }

    @Test("parentheses nest pipelines")
    func parentheses() throws {
        #expect(try render("{{ (((.RoleName))) }}") == "my_custom_database_role")
        #expect(try render(#"{{ printf "%s" (printf "[%s]" (.RoleName | truncate 2)) }}"#) == "[my]")
        #expect(try render("{{ (unix_time) }}") == "1234567890")
        #expect(try render("{{ (5) | random }}") == "abcde")
        #expect(try render("{{ truncate (3) .RoleName }}") == "my_")
        let deep = "{{ " + String(repeating: "(", count: 100) + ".RoleName" + String(repeating: ")", count: 100) + " }}"
        #expect(try render(deep) == "my_custom_database_role")
    }

    @Test("a function named as an argument is called with no arguments, as in Go")
    func niladicArguments() throws {
        #expect(try render(#"{{ printf "%s|%s" unix_time unix_time_millis }}"#) == "1234567890|1234567890000")
        #expect(try render("{{ truncate 3 unix_time }}") == "123")
        #expect(try render("{{ truncate 3 uuid }}").count == 3)
    }

    @Test("field names may be any Go identifier, and unknown ones fail at render time")
    func fields() throws {
        let context = Fixtures.context(["Имя": "иван", "_x1": "y"])
        #expect(try render("{{ .Имя }}-{{._x1}}", context) == "иван-y")
        let template = try UsernameTemplate("{{ .A }}{{ .B | uppercase }}{{ printf \"%s\" (.C) }}")
        #expect(template.referencedFields == ["A", "B", "C"])
        #expect(throws: UsernameTemplateError.self) { try template.render(Fixtures.context(["A": "a", "B": "b"])) }
    }

    @Test("a template is reusable and its text is kept")
    func reuse() throws {
        let template = try UsernameTemplate("{{ .RoleName | truncate 2 }}-{{ random 2 }}")
        #expect(template.text == "{{ .RoleName | truncate 2 }}-{{ random 2 }}")
        #expect(try template.render(Fixtures.docsContext) == "my-ab")
        #expect(try template.render(Fixtures.docsContext) == "my-ab")
    }
}
