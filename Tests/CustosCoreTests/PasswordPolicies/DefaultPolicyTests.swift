import SeededRandom
import Testing
@testable import CustosCore

@Suite("Vault's default policy")
struct DefaultPolicyTests {
    let lower = Set("abcdefghijklmnopqrstuvwxyz".unicodeScalars)
    let upper = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZ".unicodeScalars)
    let digits = Set("0123456789".unicodeScalars)

    @Test("shape: 20 characters, four rules of min 1, 63-character alphabet")
    func shape() throws {
        let p = PasswordPolicy.vaultDefault
        #expect(p.length == 20)
        #expect(p.rules.map(\.minChars) == [1, 1, 1, 1])
        #expect(p.rules.last?.charset == "-")
        #expect(p.alphabet.count == 63)
        // The constant skips validation; make sure it would pass it.
        #expect(try PasswordPolicy(length: p.length, rules: p.rules) == p)
        try p.checkGenerates()
    }

    @Test("2000 passwords: length 20, each class present, nothing else")
    func generatedPasswords() throws {
        var rng = SplitMix64(seed: 20)
        for _ in 0..<2000 {
            let password = try PasswordPolicy.vaultDefault.generate(using: &rng)
            let scalars = Array(password.unicodeScalars)
            #expect(scalars.count == 20)
            #expect(password.count == 20)
            #expect(scalars.contains(where: lower.contains))
            #expect(scalars.contains(where: upper.contains))
            #expect(scalars.contains(where: digits.contains))
            #expect(scalars.contains("-"))
            #expect(scalars.allSatisfy { lower.contains($0) || upper.contains($0) || digits.contains($0) || $0 == "-" })
        }
    }

    @Test("the production generator (system CSPRNG) works and varies")
    func systemRandom() throws {
        let passwords = try (0..<50).map { _ in try PasswordPolicy.vaultDefault.generate() }
        #expect(passwords.allSatisfy { $0.unicodeScalars.count == 20 && $0.unicodeScalars.contains("-") })
        #expect(Set(passwords).count == 50)
    }

    @Test("every alphabet character appears over 10k drawn characters")
    func everyCharacterAppears() throws {
        var rng = SplitMix64(seed: 63)
        var seen = Set<Unicode.Scalar>()
        for _ in 0..<500 { // 500 x 20 = 10k characters
            seen.formUnion(try PasswordPolicy.vaultDefault.generate(using: &rng).unicodeScalars)
        }
        #expect(seen == Set(PasswordPolicy.vaultDefault.alphabet))
    }
}
