import Testing
@testable import CustosCore

@Suite("Validation of init(length:rules:)")
struct ValidationTests {
    @Test("a minimal valid policy is accepted and its alphabet is the order-stable union")
    func validPolicy() throws {
        let p = try policy(8, [("cab", 1), ("bd1", 2), ("a", 0)])
        #expect(p.length == 8)
        #expect(p.rules.count == 3)
        #expect(String(String.UnicodeScalarView(p.alphabet)) == "cabd1")
        #expect(p.requiredCounts == [1, 2])
    }

    @Test("length bounds are inclusive 4...100", arguments: [4, 5, 20, 99, 100])
    func lengthInRange(length: Int) throws {
        #expect(try policy(length, [("abc", 0)]).length == length)
    }

    @Test("length outside 4...100 is refused with Vault's message",
          arguments: [Int.min, -5, 0, 1, 3, 101, 1000, Int.max])
    func lengthOutOfRange(length: Int) {
        let found = problems { _ = try policy(length, [("abc", 0)]) }
        #expect(found == [.lengthOutOfRange(length)])
        #expect(PasswordPolicyError(found).message == "passwords must be between 4 and 100 characters")
    }

    @Test("no rules is refused")
    func noRules() {
        let found = problems { _ = try policy(20, []) }
        #expect(found == [.noRules])
        #expect(found.first?.message == "no charset specified: at least one charset rule is required")
    }

    @Test("an empty charset is refused, naming the rule")
    func emptyCharset() {
        let found = problems { _ = try policy(20, [("abc", 1), ("", 0)]) }
        #expect(found == [.emptyCharset(rule: 2)])
        #expect(found.first?.message == "rule 2: charset must not be empty")
    }

    @Test("a negative min-chars is refused", arguments: [-1, Int.min])
    func negativeMinChars(minChars: Int) {
        let found = problems { _ = try policy(20, [("abc", minChars)]) }
        #expect(found == [.negativeMinChars(rule: 1, minChars: minChars)])
        #expect(found.first?.message == "rule 1: min-chars must be >= 0, got \(minChars)")
    }

    @Test("min-chars summing above length is refused with Vault's message")
    func minCharsExceedLength() {
        let found = problems { _ = try policy(4, [("abc", 3), ("123", 2)]) }
        #expect(found == [.minCharsExceedLength(required: 5, length: 4)])
        #expect(found.first?.message == "specified rules require at least 5 characters but 4 is specified")
    }

    @Test("min-chars summing exactly to length is accepted")
    func minCharsEqualLength() throws {
        #expect(try policy(4, [("abc", 2), ("123", 2)]).length == 4)
    }

    @Test("overflowing min-chars saturate instead of trapping")
    func minCharsOverflow() {
        let found = problems { _ = try policy(20, [("a", Int.max), ("b", Int.max), ("c", 1)]) }
        #expect(found == [.minCharsExceedLength(required: Int.max, length: 20)])
    }

    @Test("non-printable characters are refused with the code point", arguments: nonPrintable)
    func nonPrintableCharacter(scalar: Unicode.Scalar) {
        let charset = "ab" + String(Character(scalar)) + "c"
        let found = problems { _ = try policy(20, [("xyz", 0), (charset, 1)]) }
        #expect(found == [.nonPrintableCharacter(rule: 2, scalar: scalar.value)])
        #expect(found.first?.message.hasPrefix("non-printable character in charset (rule 2: U+") == true)
    }

    @Test("the code point in the message is zero-padded hex")
    func codePointFormat() {
        #expect(PasswordPolicyError.Problem.nonPrintableCharacter(rule: 1, scalar: 7).message
            == "non-printable character in charset (rule 1: U+0007)")
        #expect(PasswordPolicyError.Problem.nonPrintableCharacter(rule: 3, scalar: 0x10FFFF).message
            == "non-printable character in charset (rule 3: U+10FFFF)")
    }

    @Test("printable ASCII including space, and printable Unicode, are accepted")
    func printableAccepted() throws {
        var ascii = String.UnicodeScalarView()
        ascii.append(contentsOf: printableASCII)
        var unicode = String.UnicodeScalarView()
        unicode.append(contentsOf: printableUnicode)
        let p = try policy(20, [(String(ascii), 1), (String(unicode), 1)])
        #expect(p.alphabet.count == printableASCII.count + printableUnicode.count)
    }

    @Test("the alphabet may hold 256 distinct characters but not 257")
    func alphabetSizeLimit() throws {
        let cjk = (0x4E00..<0x4E00 + 257).compactMap(Unicode.Scalar.init)
        let first = String(String.UnicodeScalarView(cjk[0..<200]))
        let upTo256 = String(String.UnicodeScalarView(cjk[150..<256]))
        let upTo257 = String(String.UnicodeScalarView(cjk[150..<257]))
        #expect(try policy(20, [(first, 0), (upTo256, 0)]).alphabet.count == 256)

        let found = problems { _ = try policy(20, [(first, 0), (upTo257, 0)]) }
        #expect(found == [.charsetTooLong(count: 257)])
        #expect(found.first?.message.hasPrefix("charset is too long: limited to 256 characters") == true)
    }

    @Test("duplicate characters inside and across rules count once")
    func duplicatesCountOnce() throws {
        let p = try policy(10, [("aab", 1), ("ba", 1)])
        #expect(p.alphabet == ["a", "b"])
        #expect(p.ruleHits == [[0, 1], [0, 1]])
    }

    @Test("every problem is reported at once, in order, joined by '; '")
    func allProblemsReported() {
        let found = problems { _ = try policy(2, [("", -1), ("a\u{7}", 5)]) }
        #expect(found == [
            .lengthOutOfRange(2),
            .emptyCharset(rule: 1),
            .negativeMinChars(rule: 1, minChars: -1),
            .nonPrintableCharacter(rule: 2, scalar: 7),
            .minCharsExceedLength(required: 5, length: 2),
        ])
        let error = PasswordPolicyError(found)
        #expect(error.message.split(separator: ";").count == 5)
        #expect(error.description == error.message)
    }
}
