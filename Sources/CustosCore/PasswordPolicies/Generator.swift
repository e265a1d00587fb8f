// Password generation, as Vault does it: draw `length` characters uniformly and
// independently from the alphabet, keep the candidate only if every rule's
// min-chars is met, otherwise draw a whole new candidate.
//
// Why whole-candidate rejection rather than "place the required characters,
// fill the rest, shuffle": every string of the right length is equally likely
// as a candidate, so conditioning on "passes the rules" leaves the result
// exactly uniform over all valid passwords. The constructive approach is not
// (it over-represents the rule characters), and it would diverge from Vault.
// The cost is retries, bounded by `maxAttempts`; `checkGenerates` refuses
// policies where that bound could plausibly be hit.

extension PasswordPolicy {
    /// A password, or `.generationFailed` after `maxAttempts` rejected candidates.
    /// Pass `SystemRandomNumberGenerator` in production (or use `generate()`).
    package func generate(
        using rng: inout some RandomNumberGenerator,
        maxAttempts: Int = PasswordPolicy.defaultMaxAttempts
    ) throws(PasswordPolicyError) -> String {
        var candidate = [UInt8](repeating: 0, count: length)
        // Best effort only: Swift gives no guarantee that no copy survives.
        defer { for i in candidate.indices { candidate[i] = 0 } }

        guard drawValidCandidate(into: &candidate, maxAttempts: maxAttempts, using: &rng) else {
            throw PasswordPolicyError(.generationFailed(attempts: maxAttempts))
        }
        var scalars = String.UnicodeScalarView()
        for index in candidate {
            scalars.append(alphabet[Int(index)])
        }
        return String(scalars)
    }

    /// Production entry point: the system CSPRNG.
    package func generate(maxAttempts: Int = PasswordPolicy.defaultMaxAttempts) throws(PasswordPolicyError) -> String {
        var rng = SystemRandomNumberGenerator()
        return try generate(using: &rng, maxAttempts: maxAttempts)
    }

    /// Fills `candidate` with alphabet indices until it passes every rule.
    /// Returns false if `maxAttempts` candidates (0 when negative) all failed.
    func drawValidCandidate(
        into candidate: inout [UInt8],
        maxAttempts: Int,
        using rng: inout some RandomNumberGenerator
    ) -> Bool {
        var sampler = IndexSampler(alphabetSize: alphabet.count)
        var counts = [Int](repeating: 0, count: requiredCounts.count)
        var attempt = 0
        while attempt < maxAttempts {
            attempt += 1
            for position in candidate.indices {
                candidate[position] = sampler.next(using: &rng)
            }
            if passesRules(candidate, counts: &counts) { return true }
        }
        return false
    }

    /// Rule check: counts hits per constrained rule in one pass.
    /// `counts` is scratch space reused across attempts.
    func passesRules(_ candidate: [UInt8], counts: inout [Int]) -> Bool {
        if requiredCounts.isEmpty { return true }
        for i in counts.indices { counts[i] = 0 }
        for index in candidate {
            for rule in ruleHits[Int(index)] { counts[rule] += 1 }
        }
        for i in counts.indices where counts[i] < requiredCounts[i] {
            return false
        }
        return true
    }
}

/// Uniform alphabet indices from random bytes, without modulo bias: a byte is
/// used only if it falls below the largest multiple of the alphabet size that
/// fits in 256 (Vault's `maxAllowedRNGValue`), then reduced modulo the size.
/// Each accepted byte value maps to exactly the same number of indices.
/// At least half of all bytes are accepted for any size in 1...256.
struct IndexSampler {
    let size: Int
    let limit: Int
    private var buffer: UInt64 = 0
    private var bytesLeft = 0

    /// `alphabetSize` must be in 1...256, which validation guarantees; it is
    /// clamped anyway so misuse cannot divide by zero or overflow a byte.
    init(alphabetSize: Int) {
        size = min(max(alphabetSize, 1), 256)
        limit = (256 / size) * size
    }

    mutating func next(using rng: inout some RandomNumberGenerator) -> UInt8 {
        while true {
            let byte = Int(nextByte(using: &rng))
            if byte < limit {
                return UInt8(truncatingIfNeeded: byte % size)
            }
        }
    }

    /// One `next()` call yields eight bytes: fewer calls into the CSPRNG.
    private mutating func nextByte(using rng: inout some RandomNumberGenerator) -> UInt8 {
        if bytesLeft == 0 {
            buffer = rng.next()
            bytesLeft = 8
        }
        let byte = UInt8(truncatingIfNeeded: buffer)
        buffer >>= 8
        bytesLeft -= 1
        return byte
    }
}
