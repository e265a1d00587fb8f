/// A tiny seeded generator (Steele, Lea & Flood's SplitMix64). NOT cryptographic.
///
/// The project's one seeded generator, in a module of its own so that the core (write-time
/// trial generations of password policies, whose output is thrown away), the tests (failing
/// cases replay from their seed) and the benchmarks (every run measures the same inputs) share
/// it without `public` and without depending on each other. Real passwords use
/// `SystemRandomNumberGenerator`.
package struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    package init(seed: UInt64) {
        state = seed
    }

    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
