// Vault-compatible password policies (`sys/policies/password/<name>`).
//
// A policy is `length` characters drawn uniformly from the union of its rules'
// charsets; a candidate is kept only when every rule's `min-chars` is met
// (Vault's sdk/helper/random StringGenerator). There is no top-level `charset`
// key: Vault computes the alphabet from the rules.
//
// "Character" means Unicode scalar (Go rune), not grapheme cluster, because
// Vault counts runes for both `length` and `min-chars`. A combining mark in a
// charset is therefore a character of its own, exactly as in Vault.

/// One `rule "charset" { charset = "..." min-chars = N }` block.
package struct CharsetRule: Sendable, Hashable {
    /// The characters this rule counts, as written in the policy. Duplicates are
    /// harmless: membership is what matters.
    package var charset: String
    /// Minimum number of password characters that must come from `charset`.
    /// Vault's default when `min-chars` is omitted is 0.
    package var minChars: Int

    package init(charset: String, minChars: Int = 0) {
        self.charset = charset
        self.minChars = minChars
    }
}

/// A validated password policy. Only obtainable through the throwing
/// initialisers (or `vaultDefault`), so `generate` never re-validates.
package struct PasswordPolicy: Sendable, Equatable {
    /// Vault's write-time bounds (vault/logical_system.go: minPasswordLength,
    /// maxPasswordLength).
    package static let minLength = 4
    package static let maxLength = 100
    /// Vault draws one random byte per character, so its alphabet is capped at
    /// 256 scalars (`maxCharsetLen`); kept so stored policies stay portable.
    package static let maxAlphabetSize = 256
    /// Candidates tried per `generate` call. Vault instead loops for up to one
    /// second, which is far more than this; every policy that passes
    /// `checkGenerates` succeeds well within it (see Feasibility.swift).
    package static let defaultMaxAttempts = 10_000

    package let length: Int
    package let rules: [CharsetRule]

    /// Union of the rule charsets, deduplicated, in first-appearance order.
    /// (Vault sorts it; order is irrelevant to a uniform draw.)
    package let alphabet: [Unicode.Scalar]

    /// For each alphabet index, which constrained rules (positions in
    /// `requiredCounts`) count that character. Precomputed so checking a
    /// candidate is one pass with no hashing.
    let ruleHits: [[Int]]
    /// `min-chars` of the rules with a positive minimum; rules with 0 always pass.
    let requiredCounts: [Int]

    /// Validates like Vault's write path (structural checks only; the
    /// probabilistic "are the rules impossible?" check is `checkGenerates`).
    package init(length: Int, rules: [CharsetRule]) throws(PasswordPolicyError) {
        var validator = PolicyValidator()
        validator.check(length: length)
        for (offset, rule) in rules.enumerated() {
            validator.check(rule: rule, number: offset + 1)
        }
        validator.finish(ruleCount: rules.count, length: length)
        try validator.throwIfInvalid()
        self.init(unchecked: length, rules: rules)
    }

    /// Builds the derived tables; callers must have validated the inputs.
    init(unchecked length: Int, rules: [CharsetRule]) {
        var alphabet: [Unicode.Scalar] = []
        var indexOf: [Unicode.Scalar: Int] = [:]
        for rule in rules {
            for scalar in rule.charset.unicodeScalars where indexOf[scalar] == nil {
                indexOf[scalar] = alphabet.count
                alphabet.append(scalar)
            }
        }

        var ruleHits = [[Int]](repeating: [], count: alphabet.count)
        var requiredCounts: [Int] = []
        for rule in rules where rule.minChars > 0 {
            let position = requiredCounts.count
            requiredCounts.append(rule.minChars)
            // A Set so a charset listing a character twice still counts it once.
            for scalar in Set(rule.charset.unicodeScalars) {
                if let index = indexOf[scalar] { ruleHits[index].append(position) }
            }
        }

        self.length = length
        self.rules = rules
        self.alphabet = alphabet
        self.ruleHits = ruleHits
        self.requiredCounts = requiredCounts
    }

    /// Derived tables are a pure function of these two.
    package static func == (lhs: PasswordPolicy, rhs: PasswordPolicy) -> Bool {
        lhs.length == rhs.length && lhs.rules == rhs.rules
    }
}

extension PasswordPolicy {
    /// Vault's `random.DefaultStringGenerator`, used by the database engine when a
    /// connection has no `password_policy`: 20 characters from lowercase,
    /// uppercase, digits and `-`, at least one of each.
    package static let vaultDefault = PasswordPolicy(unchecked: 20, rules: [
        CharsetRule(charset: "abcdefghijklmnopqrstuvwxyz", minChars: 1),
        CharsetRule(charset: "ABCDEFGHIJKLMNOPQRSTUVWXYZ", minChars: 1),
        CharsetRule(charset: "0123456789", minChars: 1),
        CharsetRule(charset: "-", minChars: 1),
    ])
}
