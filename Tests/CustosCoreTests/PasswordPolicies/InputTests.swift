import Testing
@testable import CustosCore

@Suite("Validation of decoded input")
struct InputTests {
    typealias Rule = PasswordPolicyInput.Rule

    @Test("the example policy from Vault's docs decodes")
    func vaultExample() throws {
        let input = PasswordPolicyInput(length: 20, rules: [
            Rule(type: "charset", charset: "abcdefghijklmnopqrstuvwxyz", minChars: 1),
            Rule(type: "charset", charset: "0123456789", minChars: 1),
        ])
        let p = try PasswordPolicy(input)
        #expect(p == (try policy(20, [("abcdefghijklmnopqrstuvwxyz", 1), ("0123456789", 1)])))
        #expect(p.alphabet.count == 36)
    }

    @Test("missing min-chars means 0, as in Vault")
    func missingMinChars() throws {
        let p = try PasswordPolicy(PasswordPolicyInput(length: 8, rules: [Rule(type: "charset", charset: "abc", minChars: nil)]))
        #expect(p.rules == [CharsetRule(charset: "abc", minChars: 0)])
        #expect(p.requiredCounts.isEmpty)
    }

    @Test("missing length is refused")
    func missingLength() {
        let found = problems { _ = try PasswordPolicy(PasswordPolicyInput(length: nil, rules: [Rule(type: "charset", charset: "abc", minChars: 9)])) }
        #expect(found == [.missingLength])
        #expect(found.first?.message == "missing length: passwords must be between 4 and 100 characters")
    }

    @Test("unknown rule types are refused; the type is case-sensitive",
          arguments: ["foo", "Charset", "CHARSET", "", " charset", "charsets"])
    func unknownRuleType(type: String) {
        let input = PasswordPolicyInput(length: 20, rules: [
            Rule(type: "charset", charset: "abc", minChars: 1),
            Rule(type: type, charset: "abc", minChars: 1),
        ])
        let found = problems { _ = try PasswordPolicy(input) }
        #expect(found == [.unknownRuleType(rule: 2, type: type)])
        #expect(found.first?.message == "unrecognized rule type \"\(type)\" (rule 2): only \"charset\" is supported")
    }

    @Test("a charset rule without charset is refused")
    func missingCharset() {
        let input = PasswordPolicyInput(length: 20, rules: [Rule(type: "charset", charset: nil, minChars: 1)])
        let found = problems { _ = try PasswordPolicy(input) }
        #expect(found == [.missingCharset(rule: 1)])
        #expect(found.first?.message == "rule 1: missing charset")
    }

    @Test("a policy whose only rules are invalid is not also told it has none")
    func onlyInvalidRules() {
        let input = PasswordPolicyInput(length: 20, rules: [Rule(type: "foo", charset: nil, minChars: nil)])
        #expect(problems { _ = try PasswordPolicy(input) } == [.unknownRuleType(rule: 1, type: "foo")])
    }

    @Test("no rule blocks is refused")
    func noRuleBlocks() {
        #expect(problems { _ = try PasswordPolicy(PasswordPolicyInput(length: 20, rules: [Rule]())) } == [.noRules])
    }

    @Test("extreme Int64 values are refused without trapping")
    func extremeIntegers() {
        let huge = PasswordPolicyInput(length: .max, rules: [
            Rule(type: "charset", charset: "a", minChars: .max),
            Rule(type: "charset", charset: "b", minChars: .max),
        ])
        // The saturated sum (Int.max) is not above length Int.max: only the range fails.
        #expect(problems { _ = try PasswordPolicy(huge) } == [.lengthOutOfRange(Int.max)])
        var saturated = huge
        saturated.length = 20
        #expect(problems { _ = try PasswordPolicy(saturated) } == [.minCharsExceedLength(required: Int.max, length: 20)])
        let tiny = PasswordPolicyInput(length: .min, rules: [Rule(type: "charset", charset: "a", minChars: .min)])
        #expect(problems { _ = try PasswordPolicy(tiny) } == [
            .lengthOutOfRange(Int.min),
            .negativeMinChars(rule: 1, minChars: Int.min),
        ])
    }

    @Test("rule numbers in messages are document positions, including skipped rules")
    func ruleNumbering() {
        let input = PasswordPolicyInput(length: 20, rules: [
            Rule(type: "foo", charset: "a", minChars: 0),
            Rule(type: "charset", charset: "", minChars: 0),
            Rule(type: "charset", charset: nil, minChars: 0),
            Rule(type: "charset", charset: "x\n", minChars: -2),
        ])
        #expect(problems { _ = try PasswordPolicy(input) } == [
            .unknownRuleType(rule: 1, type: "foo"),
            .emptyCharset(rule: 2),
            .missingCharset(rule: 3),
            .nonPrintableCharacter(rule: 4, scalar: 0x0A),
            .negativeMinChars(rule: 4, minChars: -2),
        ])
    }
}
