import SeededRandom
import Testing
@testable import CustosCore

@Suite("Write-time feasibility check")
struct FeasibilityTests {
    /// 250 CJK characters nobody asked for, to dilute a rule's charset.
    let filler = String(String.UnicodeScalarView((0x4E00..<0x4E00 + 250).compactMap(Unicode.Scalar.init)))

    @Test("an improbable policy is refused as impossible with Vault's message")
    func impossible() throws {
        let p = try policy(4, [(filler, 0), ("a", 4)])
        let found = problems { try p.checkGenerates() }
        #expect(found == [.impossible])
        #expect(found.first?.message == "unable to generate password from provided policy: are the rules impossible?")
    }

    @Test("validatedForWrite refuses it too, after structural validation passed")
    func validatedForWrite() {
        let input = PasswordPolicyInput(length: 4, rules: [
            .init(type: "charset", charset: filler, minChars: nil),
            .init(type: "charset", charset: "a", minChars: 4),
        ])
        #expect(problems { _ = try PasswordPolicy.validatedForWrite(input) } == [.impossible])
    }

    @Test("validatedForWrite reports structural problems before trying to generate")
    func structuralFirst() {
        let input = PasswordPolicyInput(length: 3, rules: [.init(type: "charset", charset: "a", minChars: 4)])
        #expect(problems { _ = try PasswordPolicy.validatedForWrite(input) } == [
            .lengthOutOfRange(3),
            .minCharsExceedLength(required: 4, length: 3),
        ])
    }

    @Test("a borderline policy is refused as too restrictive with Vault's message")
    func tooRestrictive() throws {
        // Two "a" out of 251 in 8 characters: ~4.4e-4 per candidate, so a
        // 1000-attempt trial fails ~64% of the time; some seed shows 1...9 failures.
        let p = try policy(8, [(filler, 0), ("a", 2)])
        var verdicts: [PasswordPolicyError.Problem] = []
        for seed in UInt64(0)..<20 {
            var rng = SplitMix64(seed: seed)
            verdicts += problems { try p.checkGenerates(trials: 10, attemptsPerTrial: 1000, using: &rng) }
        }
        let partial = verdicts.compactMap { problem -> (Int, Int)? in
            if case let .tooRestrictive(failed, trials) = problem { return (failed, trials) }
            return nil
        }
        #expect(!partial.isEmpty)
        #expect(partial.allSatisfy { (1...9).contains($0.0) && $0.1 == 10 })
        let message = PasswordPolicyError.Problem.tooRestrictive(failed: 3, trials: 10).message
        #expect(message == "failed to generate passwords 3 times out of 10 attempts - is the policy too restrictive?")
    }

    @Test("the verdict is deterministic for a given policy")
    func deterministicVerdict() throws {
        let p = try policy(8, [(filler, 0), ("a", 2)])
        let first = problems { try p.checkGenerates() }
        for _ in 0..<3 {
            let again = try policy(8, [(filler, 0), ("a", 2)])
            #expect(problems { try again.checkGenerates() } == first)
        }
        #expect(p.stableSeed != (try policy(8, [(filler, 0), ("a", 1)])).stableSeed)
        #expect((try policy(8, [("ab", 0), ("c", 0)])).stableSeed != (try policy(8, [("a", 0), ("bc", 0)])).stableSeed)
    }

    @Test("ordinary policies pass", arguments: [
        [("abcdefghijklmnopqrstuvwxyz", 1), ("0123456789", 1)],
        [("abcdefghijklmnopqrstuvwxyz", 4), ("ABCDEFGHIJKLMNOPQRSTUVWXYZ", 4), ("0123456789", 4), ("!@#$%^&*", 4)],
        [("0123456789", 0)],
    ])
    func ordinaryPoliciesPass(rules: [(String, Int)]) throws {
        let p = try policy(20, rules)
        try p.checkGenerates()
        var rng = SplitMix64(seed: 1)
        _ = try p.generate(using: &rng)
    }

    @Test("a policy whose min-chars fill the whole length still passes")
    func exactFit() throws {
        try policy(4, [("a", 1), ("b", 1), ("c", 1), ("d", 1)]).checkGenerates()
    }
}
