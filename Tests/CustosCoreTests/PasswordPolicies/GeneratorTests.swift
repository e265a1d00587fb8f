import SeededRandom
import Testing
@testable import CustosCore

@Suite("Generator")
struct GeneratorTests {
    @Test("property: min-chars, length and alphabet hold for 300 random policies")
    func randomPolicies() throws {
        var rng = SplitMix64(seed: 0xC0FF_EE)
        var tested = 0
        for _ in 0..<300 {
            let p = try randomValidPolicy(using: &rng)
            // Improbable policies are refused at write time and never stored.
            guard (try? p.checkGenerates()) != nil else { continue }
            tested += 1
            let alphabet = Set(p.alphabet)
            for _ in 0..<20 {
                let password = try p.generate(using: &rng)
                #expect(password.unicodeScalars.count == p.length)
                #expect(password.unicodeScalars.allSatisfy(alphabet.contains))
                for rule in p.rules {
                    #expect(count(of: rule, in: password) >= rule.minChars)
                }
            }
        }
        #expect(tested >= 250, "too few random policies were usable: \(tested)")
    }

    @Test("min-chars summing exactly to length are all met")
    func tightPolicy() throws {
        let p = try policy(6, [("abc", 2), ("123", 2), ("!?", 2)])
        var rng = SplitMix64(seed: 6)
        for _ in 0..<500 {
            let password = try p.generate(using: &rng)
            for rule in p.rules { #expect(count(of: rule, in: password) == 2) }
        }
    }

    @Test("overlapping rules are counted independently, like Vault")
    func overlappingRules() throws {
        // "a" counts for both rules, so "aaaa" is valid.
        let p = try policy(4, [("ab", 2), ("ac", 2)])
        var rng = SplitMix64(seed: 4)
        for _ in 0..<500 {
            let password = try p.generate(using: &rng)
            for rule in p.rules { #expect(count(of: rule, in: password) >= 2) }
        }
    }

    @Test("no modulo bias: a 100-character alphabet (256 % 100 != 0) is flat over 100k draws")
    func noModuloBias() throws {
        let cjk = (0x4E00..<0x4E00 + 100).compactMap(Unicode.Scalar.init)
        let p = try policy(100, [(String(String.UnicodeScalarView(cjk)), 0)])
        var counts: [Unicode.Scalar: Int] = [:]
        var rng = SplitMix64(seed: 100)
        for _ in 0..<1000 {
            for scalar in try p.generate(using: &rng).unicodeScalars { counts[scalar, default: 0] += 1 }
        }
        // Expected 1000 each (sd ~31). With `byte % 100` the first 56 would get
        // 3/256 and the rest 2/256 of the draws: a 1.5 ratio.
        #expect(counts.count == 100)
        #expect(counts.values.allSatisfy { (800...1200).contains($0) })
        let low = cjk[..<56].reduce(0) { $0 + counts[$1, default: 0] }
        let high = cjk[56...].reduce(0) { $0 + counts[$1, default: 0] }
        let ratio = (Double(low) / 56) / (Double(high) / 44)
        #expect((0.95...1.05).contains(ratio), "ratio \(ratio)")
    }

    @Test("each character of a 256-character alphabet appears over 10k draws")
    func fullAlphabet() throws {
        let cjk = (0x4E00..<0x4E00 + 256).compactMap(Unicode.Scalar.init)
        let p = try policy(100, [(String(String.UnicodeScalarView(cjk)), 0)])
        var seen = Set<Unicode.Scalar>()
        var rng = SplitMix64(seed: 256)
        for _ in 0..<100 { seen.formUnion(try p.generate(using: &rng).unicodeScalars) }
        #expect(seen.count == 256)
    }

    @Test("the index sampler is exact for sizes 1 and 256, and rejects only bytes at or above the limit")
    func indexSampler() {
        var rng = SplitMix64(seed: 1)
        var one = IndexSampler(alphabetSize: 1)
        #expect((0..<100).allSatisfy { _ in one.next(using: &rng) == 0 })
        #expect(IndexSampler(alphabetSize: 256).limit == 256)
        #expect(IndexSampler(alphabetSize: 63).limit == 252)
        #expect(IndexSampler(alphabetSize: 129).limit == 129)
        // Misuse is clamped rather than dividing by zero.
        #expect(IndexSampler(alphabetSize: 0).size == 1)
        #expect(IndexSampler(alphabetSize: 1000).size == 256)
    }

    @Test("the same seed gives the same password; different seeds differ")
    func determinism() throws {
        var a = SplitMix64(seed: 42), b = SplitMix64(seed: 42), c = SplitMix64(seed: 43)
        let p = PasswordPolicy.vaultDefault
        let fromA = try p.generate(using: &a), fromB = try p.generate(using: &b), fromC = try p.generate(using: &c)
        #expect(fromA == fromB)
        #expect(fromA != fromC)
    }

    @Test("combining marks are characters of their own, as Vault counts runes")
    func combiningMarks() throws {
        let p = try policy(10, [("e\u{301}", 1), ("x", 1)])
        var rng = SplitMix64(seed: 301)
        for _ in 0..<100 {
            let password = try p.generate(using: &rng)
            #expect(password.unicodeScalars.count == 10)
            #expect(password.unicodeScalars.contains("x"))
        }
    }

    @Test("an improbable policy fails after the attempt budget, without leaking candidates")
    func attemptsExhausted() throws {
        // "a" four times out of a 251-character alphabet: odds ~2.5e-10.
        let filler = String(String.UnicodeScalarView((0x4E00..<0x4E00 + 250).compactMap(Unicode.Scalar.init)))
        let p = try policy(4, [(filler, 0), ("a", 4)])
        var rng = SplitMix64(seed: 7)
        let found = problems { _ = try p.generate(using: &rng, maxAttempts: 1000) }
        #expect(found == [.generationFailed(attempts: 1000)])
        #expect(found.first?.message == "unable to generate password within the allowed attempts (1000)")
        let leaked = found.first?.message.unicodeScalars.contains(where: { $0.value >= 0x4E00 })
        #expect(leaked == false)
    }

    @Test("a zero or negative budget fails instead of looping or trapping", arguments: [0, -1, Int.min])
    func nonPositiveBudget(attempts: Int) {
        var rng = SplitMix64(seed: 0)
        #expect(problems { _ = try PasswordPolicy.vaultDefault.generate(using: &rng, maxAttempts: attempts) }
            == [.generationFailed(attempts: attempts)])
    }
}
