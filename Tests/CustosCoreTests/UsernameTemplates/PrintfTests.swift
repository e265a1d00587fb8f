import Testing
@testable import CustosCore

/// Go's `printf`, checked against cases from Go's own fmt tests (fmt_test.go),
/// written as templates. Arguments are string and int constants.
@Suite("printf")
struct PrintfTests {
    @Test("verbs, flags, width and precision", arguments: [
        (#"printf "%s-%d" "a" 5"#, "a-5"),
        (#"printf "%v %v" "a" 5"#, "a 5"),
        (#"printf "%5s|%-5s|" "abc" "abc""#, "  abc|abc  |"),
        (#"printf "%05s" "abc""#, "00abc"),
        (#"printf "%0-5s|" "abc""#, "abc  |"),
        (#"printf "%.5s" "abcdefghijklmnopqrstuvwxyz""#, "abcde"),
        (#"printf "%20.5s|" "qwertyuiop""#, "               qwert|"),
        (#"printf "%-20.5s|" "qwertyuiop""#, "qwert               |"),
        (#"printf "%.0s" "日本語日本語""#, ""),
        (#"printf "%.5s" "日本語日本語""#, "日本語日本"),
        (#"printf "%5s" "啊啊""#, "   啊啊"),
        (#"printf "%d" -12345"#, "-12345"),
        (#"printf "%d" -9223372036854775808"#, "-9223372036854775808"),
        (#"printf "%10d" -12345"#, "    -12345"),
        (#"printf "%+10d" 12345"#, "    +12345"),
        (#"printf "%010d" 12345"#, "0000012345"),
        (#"printf "%010d" -12345"#, "-000012345"),
        (#"printf "% d|%+d|%+d" 12345 12345 -12345"#, " 12345|+12345|-12345"),
        (#"printf "%20.8d|" 1234"#, "            00001234|"),
        (#"printf "%020.8d|" -1234"#, "           -00001234|"),
        (#"printf "%-20.8d|" -1234"#, "-00001234           |"),
        (#"printf "%.d|%.0d|%6.0d|%06.0d|" 0 0 0 0"#, "||      |      |"),
        (#"printf "%+v|%#v" 5 5"#, "5|5"),
        (#"printf "%T %T" "a" 1"#, "string int"),
        (#"printf "100%%" "#, "100%"),
        (#"printf "%5%|" "#, "%|"),
        (#"printf "no verbs""#, "no verbs"),
    ])
    func formats(expression: String, expected: String) throws {
        #expect(try render("{{ \(expression) }}") == expected)
    }

    @Test("mistakes render the way Go renders them", arguments: [
        (#"printf "%d" "abc""#, "%!d(string=abc)"),
        (#"printf "%s" 5"#, "%!s(int=5)"),
        (#"printf "%5d" "abc""#, "%!d(string=  abc)"),
        (#"printf "%s %s" "a""#, "a %!s(MISSING)"),
        (#"printf "%s" "a" "b" 3"#, "a%!(EXTRA string=b, int=3)"),
        (#"printf "%010.2" "12345""#, "%!(NOVERB)%!(EXTRA string=12345)"),
        (#"printf "abc%" "#, "abc%!(NOVERB)"),
        (#"printf "%." 3"#, "%!.(int=3)"),
        (#"printf "%z" "a""#, "%!z(string=a)"),
        (#"printf "%☠" 0"#, "%!☠(int=0)"),
        (#"printf "%]d" 2 1"#, "%!](int=2)d%!(EXTRA int=1)"),
        (#"printf "%.-3d" 42"#, "%!-(int=42)3d"),
        (#"printf "%2147483648d" 42"#, "%!(NOVERB)%!(EXTRA int=42)"),
        (#"printf "%.2147483648d" 42"#, "%!(NOVERB)%!(EXTRA int=42)"),
    ])
    func goErrorForms(expression: String, expected: String) throws {
        #expect(try render("{{ \(expression) }}") == expected)
    }

    @Test("argument indexes and star widths (Go's reorder tests)", arguments: [
        (#"printf "%[1]d" 1"#, "1"),
        (#"printf "%[2]d" 2 1"#, "1"),
        (#"printf "%[2]d %[1]d" 1 2"#, "2 1"),
        (#"printf "%[2]*[1]d" 2 5"#, "    2"),
        (#"printf "%[2]s-%[1]s-%[2]s" "a" "b""#, "b-a-b"),
        (#"printf "%[d" 2 1"#, "%!d(BADINDEX)"),
        (#"printf "%[]d" 2 1"#, "%!d(BADINDEX)"),
        (#"printf "%[-3]d" 2 1"#, "%!d(BADINDEX)"),
        (#"printf "%[99]d" 2 1"#, "%!d(BADINDEX)"),
        (#"printf "%[3]" 2 1"#, "%!(NOVERB)"),
        (#"printf "%[1].2d" 5 6"#, "%!d(BADINDEX)"),
        (#"printf "%[1]2d" 2 1"#, "%!d(BADINDEX)"),
        (#"printf "%3.[2]d" 7"#, "%!d(BADINDEX)"),
        (#"printf "%[5]d %[2]d %d" 1 2 3"#, "%!d(BADINDEX) 2 3"),
        (#"printf "%d %[3]d %d" 1 2"#, "1 %!d(BADINDEX) 2"),
        (#"printf "%.[]" "#, "%!](BADINDEX)"),
        (#"printf "%*d|" 5 42"#, "   42|"),
        (#"printf "%-*d|" 5 42"#, "42   |"),
        (#"printf "%*d|" -5 42"#, "42   |"),
        (#"printf "%.*s" 2 "abcdef""#, "ab"),
        (#"printf "%*s" "x" "y""#, "%!(BADWIDTH)y"),
        (#"printf "%.*s" "x" "y""#, "%!(BADPREC)y"),
        (#"printf "%*d" -9223372036854775808 1"#, "%!(BADWIDTH)1"),
        (#"printf "%.*d" 2000000 1"#, "%!(BADPREC)1"),
    ])
    func reordering(expression: String, expected: String) throws {
        #expect(try render("{{ \(expression) }}") == expected)
    }

    @Test("the format may come from a pipeline and take piped values")
    func pipedFormat() throws {
        #expect(try render(#"{{ .RoleName | truncate 2 | printf "<%s>" }}"#) == "<my>")
        #expect(try render(#"{{ "b" | printf "%s-%s" "a" }}"#) == "a-b")
        let context = Fixtures.context(["F": "%s+%s", "A": "x"])
        #expect(try render("{{ printf .F .A .A }}", context) == "x+x")
    }

    @Test("verbs Go has but Custos does not are refused when parsing")
    func unsupportedVerbs() {
        for verb in ["%x", "%X", "%q", "%f", "%c", "%o", "%b", "%e", "%t", "%p", "%U"] {
            let error = parseFailure("{{ printf \"\(verb)\" \"a\" }}")
            #expect(error?.code == .unsupported, "\(verb)")
        }
        #expect(parseFailure(#"{{ printf "%#v" "a" }}"#)?.code == .unsupported)
    }

    @Test("a dynamic format with an unsupported verb fails at render time")
    func dynamicUnsupportedVerb() {
        let error = failure("{{ printf .F .A }}", Fixtures.context(["F": "%x", "A": "a"]))
        #expect(error?.code == .unsupported)
        #expect(error?.phase == .render)  // the format came from data, so it is not the template's fault alone
    }

    @Test("widths beyond the value limit are refused instead of allocated")
    func hugeWidth() {
        #expect(parseFailure(#"{{ printf "%999999s" "a" }}"#)?.code == .limitExceeded)
        #expect(parseFailure(#"{{ printf "%.999999d" 1 }}"#)?.code == .limitExceeded)
        #expect(failure("{{ printf .F .A }}", Fixtures.context(["F": "%999999s", "A": "a"]))?.code == .limitExceeded)
        #expect(failure(#"{{ printf "%*s" 999999 "a" }}"#)?.code == .limitExceeded)
    }
}
