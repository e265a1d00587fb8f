import SeededRandom
import Testing
@testable import CustosCore

@Suite("Robustness")
struct PasswordPolicyRobustnessTests {
    static let interestingIntegers: [Int64] = [.min, -1_000_000, -1, 0, 1, 2, 3, 4, 5, 20, 99, 100, 101, 256, .max]
    /// Mostly valid, so that the generator path is exercised too.
    static let types = ["charset", "charset", "charset", "charset", "charset", "charset", "charset", "foo", "", "Charset"]

    /// A random charset: mostly printable, sometimes absent, empty or non-printable.
    static func randomCharset(using rng: inout SplitMix64) -> String? {
        if Int.random(in: 0..<20, using: &rng) == 0 { return nil }
        var scalars = String.UnicodeScalarView()
        for _ in 0..<Int.random(in: 0...12, using: &rng) {
            switch Int.random(in: 0..<40, using: &rng) {
            case 0: scalars.append(nonPrintable.randomElement(using: &rng)!)
            case 1...8: scalars.append(printableUnicode.randomElement(using: &rng)!)
            default: scalars.append(printableASCII.randomElement(using: &rng)!)
            }
        }
        return String(scalars)
    }

    /// Mostly `typical`, sometimes absent or extreme.
    static func randomInteger(typical: ClosedRange<Int64>, using rng: inout SplitMix64) -> Int64? {
        switch Int.random(in: 0..<20, using: &rng) {
        case 0: nil
        case 1...3: interestingIntegers.randomElement(using: &rng)!
        default: Int64.random(in: typical, using: &rng)
        }
    }

    @Test("5000 random inputs: every outcome is a policy or a policy error, never a crash")
    func randomInputs() throws {
        var rng = SplitMix64(seed: 0xBAD_1D3A)
        var accepted = 0
        for _ in 0..<5000 {
            let rules = (0..<Int.random(in: 0...5, using: &rng)).map { _ in
                PasswordPolicyInput.Rule(
                    type: Self.types.randomElement(using: &rng)!,
                    charset: Self.randomCharset(using: &rng),
                    minChars: Self.randomInteger(typical: 0...3, using: &rng))
            }
            let input = PasswordPolicyInput(length: Self.randomInteger(typical: 0...110, using: &rng), rules: rules)
            let p: PasswordPolicy
            do {
                p = try PasswordPolicy(input)
            } catch {
                #expect(!error.problems.isEmpty)
                #expect(!error.message.isEmpty)
                continue
            }
            accepted += 1
            #expect((PasswordPolicy.minLength...PasswordPolicy.maxLength).contains(p.length))
            #expect((1...PasswordPolicy.maxAlphabetSize).contains(p.alphabet.count))
            _ = try? p.checkGenerates(trials: 2, attemptsPerTrial: 20, using: &rng)
            if let password = try? p.generate(using: &rng, maxAttempts: 50) {
                #expect(password.unicodeScalars.count == p.length)
                for rule in p.rules { #expect(count(of: rule, in: password) >= rule.minChars) }
            }
        }
        // The generator must produce a fair number of valid inputs to mean anything.
        #expect(accepted >= 400, "only \(accepted) inputs were valid")
    }

    @Test("a very long charset is validated without trouble")
    func longCharset() {
        let long = String(repeating: "abc\u{7}", count: 100_000)
        #expect(problems { _ = try policy(20, [(long, 1)]) } == [.nonPrintableCharacter(rule: 1, scalar: 7)])
        let many = String(String.UnicodeScalarView((0x4E00..<0x4E00 + 5000).compactMap(Unicode.Scalar.init)))
        #expect(problems { _ = try policy(20, [(many, 1)]) } == [.charsetTooLong(count: 5000)])
    }

    @Test("many rules are handled")
    func manyRules() throws {
        let rules = (0..<1000).map { i in (String(printableASCII[i % printableASCII.count]), 0) }
        let p = try policy(100, rules)
        #expect(p.alphabet.count == printableASCII.count)
        var rng = SplitMix64(seed: 1000)
        #expect(try p.generate(using: &rng).unicodeScalars.count == 100)
    }
}
