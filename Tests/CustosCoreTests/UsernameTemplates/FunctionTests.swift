import Foundation
import SeededRandom
import Testing
@testable import CustosCore

@Suite("String functions")
struct StringFunctionTests {
    private func on(_ value: String, _ template: String) throws -> String {
        try render(template, Fixtures.context(["S": value]))
    }

    @Test("truncate never allocates for a huge length and counts bytes like Go")
    func truncate() throws {
        #expect(try on("foobarbaz", "{{.S | truncate 9223372036854775807}}") == "foobarbaz")
        #expect(try on("", "{{.S | truncate 3}}") == "")
        #expect(try render("{{truncate 3 \"abcdef\"}}") == "abc")
        // "é" is two bytes: a cut inside it backs off to the character boundary.
        #expect(try on("héllo", "{{.S | truncate 2}}") == "h")
        #expect(try on("héllo", "{{.S | truncate 3}}") == "hé")
        #expect(try on("日本語", "{{.S | truncate 7}}") == "日本")
    }

    @Test("truncate rejects a length of zero or less when parsing", arguments: ["0", "-1", "-9223372036854775808"])
    func truncateInvalid(length: String) {
        let error = parseFailure("{{.S | truncate \(length)}}")
        #expect(error?.code == .invalidArgument)
        #expect(error?.message == "truncate: max length must be > 0 but was \(length)")
    }

    @Test("truncate_sha256 keeps short values and rejects lengths up to 8")
    func truncateSHA256() throws {
        #expect(try on("short", "{{.S | truncate_sha256 9}}") == "short")
        #expect(parseFailure("{{.S | truncate_sha256 8}}")?.message == "truncate_sha256: max length must be > 8 but was 8")
        #expect(parseFailure("{{.S | truncate_sha256 0}}")?.code == .invalidArgument)
        // Multi-byte: the kept head never splits a character and the result stays within N bytes.
        let result = try on("ééééééééééééé", "{{.S | truncate_sha256 12}}")
        #expect(result.utf8.count <= 12)
        #expect(result.hasPrefix("éé"))
    }

    @Test("uppercase and lowercase map each character on its own, like Go")
    func caseMapping() throws {
        #expect(try on("fOoBaR", "{{.S | uppercase}}") == "FOOBAR")
        #expect(try on("fOoBaR", "{{.S | lowercase}}") == "foobar")
        #expect(try on("straße", "{{.S | uppercase}}") == "STRAßE")  // Go keeps ß; full mapping would give SS
        #expect(try on("ÀÉÎ ΣΑΣ", "{{.S | lowercase}}") == "àéî σασ")
        #expect(try on("", "{{.S | uppercase}}") == "")
        #expect(try on("123-_.", "{{.S | uppercase}}") == "123-_.")
    }

    @Test("replace replaces every non-overlapping occurrence")
    func replace() throws {
        #expect(try on("aaaa", #"{{.S | replace "aa" "b"}}"#) == "bb")
        #expect(try on("aaa", #"{{.S | replace "aa" "b"}}"#) == "ba")
        #expect(try on("a.b.c", #"{{replace "." "-" .S}}"#) == "a-b-c")
        #expect(try on("x", #"{{.S | replace "x" "xx" | replace "x" "yy"}}"#) == "yyyy")
    }

    @Test("replace with an empty pattern inserts between characters, like Go")
    func replaceEmptyPattern() throws {
        #expect(try on("abc", #"{{.S | replace "" "-"}}"#) == "-a-b-c-")
        #expect(try on("é", #"{{.S | replace "" "-"}}"#) == "-é-")
        #expect(try on("", #"{{.S | replace "" "-"}}"#) == "-")
    }

    @Test("replace refuses to build an oversized value")
    func replaceLimit() {
        let big = String(repeating: "a", count: 40_000)
        let error = failure(#"{{.S | replace "a" "bb"}}"#, Fixtures.context(["S": big]))
        #expect(error?.code == .limitExceeded)
        #expect(error?.line == 1)
    }

    @Test("sha256 is lower-case hex of the UTF-8 bytes")
    func sha256() throws {
        #expect(try on("héllo", "{{.S | sha256}}") == "3c48591d8d098a4538f5e013dfcf406e948eac4d3277b10bf614e295d6068179")
    }

    @Test("base64 is standard, padded base64 (RFC 4648 vectors)", arguments: [
        ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="),
        ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy"), ("héllo", "aMOpbGxv"),
    ])
    func base64(input: String, expected: String) throws {
        #expect(try on(input, "{{.S | base64}}") == expected)
    }

    @Test("nested base64 stops at the value size limit instead of growing without bound")
    func base64Limit() {
        let nested = String(repeating: "(base64 ", count: 60) + "(random 1024)" + String(repeating: ")", count: 60)
        #expect(failure("{{ \(nested) }}")?.code == .limitExceeded)
    }
}

@Suite("Generator functions")
struct GeneratorFunctionTests {
    @Test("random uses base62's charset and skips bytes of 248 and above")
    func randomMapping() throws {
        let context = Fixtures.context(random: ScriptedRandom(bytes: [255, 248, 0, 61, 62, 247, 25, 26]))
        #expect(try render("{{random 6}}", context) == "A9A9Za")
    }

    @Test("random lengths", arguments: [0, 1, 20, 1024])
    func randomLengths(length: Int) throws {
        let value = try render("{{random \(length)}}", Fixtures.context())
        #expect(value.count == length)
        #expect(value.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
    }

    @Test("random rejects negative and over-long lengths when parsing")
    func randomInvalid() {
        #expect(parseFailure("{{random -1}}")?.code == .invalidArgument)
        #expect(parseFailure("{{random 1025}}")?.code == .limitExceeded)
        #expect(parseFailure("{{random 99999999999}}")?.code == .limitExceeded)
    }

    @Test("a random source that only yields unusable bytes is an error, not a hang")
    func randomExhausted() {
        let error = failure("{{random 20}}", Fixtures.context(random: ScriptedRandom(words: [.max])))
        #expect(error?.code == .environment)
        #expect(error?.isParseError == false)
    }

    @Test("a seeded source renders the same way every time; different seeds differ")
    func seededRandom() throws {
        let template = try UsernameTemplate("{{random 20}}-{{uuid}}")
        let first = try template.render(Fixtures.context(random: SplitMix64(seed: 7)))
        #expect(try template.render(Fixtures.context(random: SplitMix64(seed: 7))) == first)
        #expect(try template.render(Fixtures.context(random: SplitMix64(seed: 8))) != first)
        // Within one render, the two calls draw different values.
        let twice = try render("{{random 10}} {{random 10}}", Fixtures.context(random: SplitMix64(seed: 7)))
        let halves = twice.split(separator: " ")
        #expect(halves.count == 2 && halves[0] != halves[1])
    }

    @Test("uuid is a lower-case version-4 UUID")
    func uuid() throws {
        let scripted = Fixtures.context(random: ScriptedRandom(words: [0x0706_0504_0302_0100, 0x0F0E_0D0C_0B0A_0908]))
        #expect(try render("{{uuid}}", scripted) == "00010203-0405-4607-8809-0a0b0c0d0e0f")
        let pattern = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
        let template = try UsernameTemplate("{{uuid}}")
        for _ in 0..<100 {
            #expect(try template.render(.init()).wholeMatch(of: pattern) != nil)
        }
    }

    @Test("unix_time and unix_time_millis follow Go's rounding")
    func unixTime() throws {
        func times(_ interval: TimeInterval) throws -> String {
            try render("{{unix_time}} {{unix_time_millis}}", Fixtures.context(now: Date(timeIntervalSince1970: interval)))
        }
        #expect(try times(1_234_567_890.123) == "1234567890 1234567890123")
        #expect(try times(0) == "0 0")
        #expect(try times(-1.5) == "-2 -1500")  // Unix() floors; UnixNano()/1e6 truncates toward zero
        #expect(try times(-0.0005) == "-1 0")
    }

    @Test("an unusable clock is a render error, but only for templates that read it")
    func badClock() throws {
        let broken = Fixtures.context(now: Date(timeIntervalSince1970: 1e300))
        #expect(failure("{{unix_time}}", broken)?.code == .environment)
        #expect(try render("no clock needed", broken) == "no clock needed")
        #expect(try render("{{unix_time}}", Fixtures.context(now: .distantFuture)) == "64092211200")
    }
}
