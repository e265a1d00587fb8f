import Testing
@testable import CustosCore

@Suite("Errors")
struct ErrorTests {
    @Test("malformed templates are syntax errors at parse time", arguments: [
        ("{{", "unclosed action"),
        ("abc {{ .RoleName", "unclosed action"),
        ("{{ (.RoleName }}", "unclosed left paren"),
        ("{{ .RoleName) }}", "unexpected right paren"),
        (#"{{ "abc }}"#, "unterminated quoted string"),
        ("{{ \"a\nb\" }}", "unterminated quoted string"),
        ("{{ `abc }}", "unterminated raw quoted string"),
        ("{{}}", "missing value for command"),
        ("{{ -}}", "missing value for command"),
        ("{{ () }}", "missing value for parenthesized pipeline"),
        ("{{ .RoleName | }}", "missing command after \"|\""),
        ("{{ | .RoleName }}", "unexpected \"|\" in command"),
        ("{{ .RoleName || uppercase }}", "unexpected \"|\" in command"),
        ("{{ .RoleName \"x\" }}", "field .RoleName is not a method but has arguments"),
        (#"{{ "a" "b" }}"#, "can't give argument to non-function"),
        (#"{{ .RoleName | "a" }}"#, "non executable command in pipeline stage 2"),
        ("{{ .RoleName | (uppercase \"a\") }}", "non executable command in pipeline stage 2"),
        (#"{{ "a""b" }}"#, "unexpected string \"b\" in operand"),
        ("{{ uppercase(.RoleName) }}", "unexpected \"(\" in operand"),
        ("{{ 0x }}", "bad number syntax: \"0x\""),
        ("{{ 12ab }}", "bad number syntax: \"12a\""),
        ("{{ 1_ }}", "bad number syntax: \"1_\""),
        ("{{ - }}", "bad number syntax: \"-\""),
        ("{{ 99999999999999999999 }}", "integer constant 99999999999999999999 overflows int"),
        (#"{{ "\q" }}"#, "invalid escape sequence \\q in string"),
        (#"{{ "\uD800" }}"#, "invalid escape sequence \\u in string"),
        (#"{{ "\400" }}"#, "invalid escape sequence \\4 in string"),
        (#"{{ "\xff" }}"#, "string literal is not valid UTF-8"),
        ("{{ .Role-Name }}", "bad character \"-\" after \".Role\""),
        ("{{ # }}", "unexpected \"#\" in action"),
        ("{{ € }}", "unrecognized character in action: U+20AC"),
        ("", "missing template"),
    ])
    func syntaxErrors(template: String, message: String) {
        let error = parseFailure(template)
        #expect(error?.code == .syntax)
        #expect(error?.message == message)
        #expect(error?.isParseError == true)
    }

    @Test("unknown functions are reported by name and position")
    func undefinedFunction() {
        let error = parseFailure("user-\n  {{ .RoleName | frobnicate }}")
        #expect(error?.code == .undefinedFunction)
        #expect(error?.message == #"function "frobnicate" not defined"#)
        #expect(error?.line == 2)
        #expect(error?.column == 18)
        #expect(error?.description == #"line 2, column 18: function "frobnicate" not defined"#)
    }

    @Test("valid Go template syntax outside Custos' subset is .unsupported", arguments: [
        "{{ if .RoleName }}x{{ end }}", "{{ range .RoleName }}{{ end }}", "{{ with .RoleName }}{{ end }}",
        "{{ define \"x\" }}{{ end }}", "{{ template \"x\" }}", "{{ end }}", "{{ else }}",
        "{{ $x := 1 }}", "{{ $ }}", "{{ .RoleName | printf \"%s\" $x }}", "{{ true }}", "{{ nil }}",
        "{{ . }}", "{{ .A.B }}", "{{ (.A).B }}", "{{ 1.5 }}", "{{ 1e3 }}", "{{ .5 }}", "{{ 0x1p4 }}", "{{ 2i }}",
        "{{ 1+2i }}", "{{ 'a' }}", "{{ eq 1 2 }}", "{{ len .RoleName }}", "{{ print .RoleName }}",
        "{{ .RoleName | html }}",
    ])
    func unsupported(template: String) {
        let error = parseFailure(template)
        #expect(error?.code == .unsupported, "\(template): \(String(describing: error))")
    }

    @Test("argument counts are checked when parsing, counting the piped value", arguments: [
        ("{{ truncate 3 }}", "wrong number of args for truncate: want 2 got 1"),
        ("{{ .RoleName | truncate }}", "wrong number of args for truncate: want 2 got 1"),
        ("{{ .RoleName | truncate 3 4 }}", "wrong number of args for truncate: want 2 got 3"),
        (#"{{ .RoleName | uppercase "a" }}"#, "wrong number of args for uppercase: want 1 got 2"),
        ("{{ uuid 1 }}", "wrong number of args for uuid: want 0 got 1"),
        ("{{ .RoleName | unix_time }}", "wrong number of args for unix_time: want 0 got 1"),
        ("{{ random }}", "wrong number of args for random: want 1 got 0"),
        (#"{{ printf "%s" random }}"#, "wrong number of args for random: want 1 got 0"),
        ("{{ printf }}", "wrong number of args for printf: want at least 1 got 0"),
        (#"{{ replace "a" .RoleName }}"#, "wrong number of args for replace: want 3 got 2"),
    ])
    func argumentCounts(template: String, message: String) {
        let error = parseFailure(template)
        #expect(error?.code == .argumentCount)
        #expect(error?.message == message)
    }

    @Test("argument types are checked when parsing", arguments: [
        (#"{{ truncate "3" .RoleName }}"#, "wrong type for argument 1 of truncate: expected int, got string"),
        ("{{ .RoleName | truncate .DisplayName }}", "wrong type for argument 1 of truncate: expected int, got string"),
        ("{{ 5 | uppercase }}", "wrong type for argument 1 of uppercase: expected string, got int"),
        ("{{ printf 5 }}", "wrong type for argument 1 of printf: expected string, got int"),
        ("{{ random .RoleName }}", "wrong type for argument 1 of random: expected int, got string"),
        ("{{ timestamp 2006 }}", "wrong type for argument 1 of timestamp: expected string, got int"),
        ("{{ unix_time | truncate 3 4 }}", "wrong number of args for truncate: want 2 got 3"),
    ])
    func argumentTypes(template: String, message: String) {
        let error = parseFailure(template)
        #expect(error?.message == message)
        #expect(error?.code == (message.hasPrefix("wrong type") ? .argumentType : .argumentCount))
    }

    @Test("safety limits")
    func limits() {
        #expect(parseFailure(String(repeating: "a", count: 64 * 1024 + 1))?.code == .limitExceeded)
        #expect((try? UsernameTemplate(String(repeating: "a", count: 64 * 1024))) != nil)
        let deep = "{{ " + String(repeating: "(", count: 101) + "1" + String(repeating: ")", count: 101) + " }}"
        #expect(parseFailure(deep)?.code == .limitExceeded)
        // Vault's own "too-large-overflow" test: a million parentheses must error, not overflow.
        #expect(parseFailure("{{" + String(repeating: "(", count: 1_000_000))?.code == .limitExceeded)
        #expect(parseFailure("{{" + String(repeating: "(", count: 60_000))?.code == .limitExceeded)
        // The rendered output is bounded too.
        let wide = String(repeating: "{{ random 1024 }}", count: 70)
        #expect(failure(wide)?.code == .limitExceeded)
        #expect(failure(wide)?.phase == .render)
        #expect(parseFailure(deep)?.phase == .parse)
    }

    @Test("unknown fields fail at render time with Go's wording")
    func unknownField() throws {
        let template = try UsernameTemplate("v-{{ .FieldThatDoesNotExist }}")
        #expect(template.referencedFields == ["FieldThatDoesNotExist"])
        let error = failure("v-{{ .FieldThatDoesNotExist }}")
        #expect(error?.code == .unknownField)
        #expect(error?.message == "can't evaluate field FieldThatDoesNotExist")
        #expect(error?.column == 6)
        #expect(error?.isParseError == false)
    }

    @Test("validate(availableFields:) rejects what Vault's trial render would")
    func validate() throws {
        let fields = [UsernameTemplate.Field.displayName, UsernameTemplate.Field.roleName]
        try UsernameTemplate("{{ .DisplayName }}-{{ .RoleName | truncate 3 }}").validate(availableFields: fields)
        do {
            try UsernameTemplate("{{ .Display }}").validate(availableFields: fields)
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .unknownField)
            #expect(error.message == "can't evaluate field Display (available: .DisplayName, .RoleName)")
            #expect(error.isParseError)  // a write-time check: answer 400
        }
    }
}
