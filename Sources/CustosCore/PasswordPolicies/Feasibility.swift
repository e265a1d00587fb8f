import SeededRandom

// The write-time "is this policy usable?" check.
//
// Structural validation already guarantees a valid password exists, but
// rejection sampling may still be hopeless, e.g. length 4 over 250 characters
// with `min-chars = 4` from a one-character rule (success odds ~1 in 4e9).
// Vault catches that by generating 10 passwords within one second at write
// time: all fail -> "are the rules impossible?", some fail -> "too restrictive?".
//
// We do the same with an attempt budget instead of a clock, so the verdict
// does not depend on machine load. Each trial gets a tenth of the runtime
// budget: if a trial fails with probability f, a runtime `generate` fails with
// probability f^10. A runtime failure rate above 1/1000 needs f >= 0.5, and
// such a policy passes all 10 trials with probability below 1/1000; at
// f = 0.3 the runtime rate is already ~6e-6.
//
// Trials use a SplitMix64 seeded from the policy text (the candidates are
// discarded, so no CSPRNG is needed): the same policy always gets the same
// verdict, across requests and restarts.

extension PasswordPolicy {
    /// Vault's write-time trial count.
    package static let writeCheckTrials = 10

    /// Throws `.impossible` or `.tooRestrictive` as Vault's write handler would.
    package func checkGenerates(
        trials: Int = PasswordPolicy.writeCheckTrials,
        attemptsPerTrial: Int = PasswordPolicy.defaultMaxAttempts / 10
    ) throws(PasswordPolicyError) {
        var rng = SplitMix64(seed: stableSeed)
        try checkGenerates(trials: trials, attemptsPerTrial: attemptsPerTrial, using: &rng)
    }

    package func checkGenerates(
        trials: Int,
        attemptsPerTrial: Int,
        using rng: inout some RandomNumberGenerator
    ) throws(PasswordPolicyError) {
        let trials = max(trials, 1)
        var candidate = [UInt8](repeating: 0, count: length)
        var failed = 0
        for _ in 0..<trials where !drawValidCandidate(into: &candidate, maxAttempts: attemptsPerTrial, using: &rng) {
            failed += 1
        }
        if failed == trials {
            throw PasswordPolicyError(.impossible)
        }
        if failed > 0 {
            throw PasswordPolicyError(.tooRestrictive(failed: failed, trials: trials))
        }
    }

    /// Everything `sys/policies/password/<name>` does before storing a policy.
    package static func validatedForWrite(_ input: PasswordPolicyInput) throws(PasswordPolicyError) -> PasswordPolicy {
        let policy = try PasswordPolicy(input)
        try policy.checkGenerates()
        return policy
    }

    /// FNV-1a over length, then each rule's min-chars and charset bytes.
    /// Swift's `Hasher` is randomly seeded per process, so it cannot be used.
    var stableSeed: UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        func mix(_ byte: UInt8) {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        func mix(_ value: Int) {
            for shift in stride(from: 0, to: 64, by: 8) {
                mix(UInt8(truncatingIfNeeded: UInt64(bitPattern: Int64(value)) >> UInt64(shift)))
            }
        }
        mix(length)
        for rule in rules {
            mix(rule.minChars)
            for byte in rule.charset.utf8 { mix(byte) }
            mix(UInt8(0xFF)) // never occurs in UTF-8, so rules cannot run together
        }
        return hash
    }
}
