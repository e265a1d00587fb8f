package import Foundation

/// How failed revocations are retried: exponential back-off from `baseDelay` doubling up to
/// `maxDelay`, with "equal jitter" (half fixed, half random) so a failing database is not hit
/// by every lease at the same instant; after `maxAttempts` failures the lease is irrevocable.
package struct RevocationRetryPolicy: Sendable, Equatable {
    package var baseDelay: TimeInterval
    package var maxDelay: TimeInterval
    package var maxAttempts: Int
    /// 0 = no jitter (deterministic, for tests), 1 = the random half described above.
    package var jitter: Double

    package init(baseDelay: TimeInterval = 1, maxDelay: TimeInterval = 300, maxAttempts: Int = 10, jitter: Double = 1) {
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxAttempts = maxAttempts
        self.jitter = jitter
    }

    /// The wait after the `attempts`-th consecutive failure (attempts >= 1).
    package func delay(afterAttempts attempts: Int) -> TimeInterval {
        var generator = SystemRandomNumberGenerator()
        return delay(afterAttempts: attempts, using: &generator)
    }

    package func delay(afterAttempts attempts: Int, using generator: inout some RandomNumberGenerator) -> TimeInterval {
        let exponent = Double(min(max(attempts - 1, 0), 62))
        let full = min(maxDelay, baseDelay * pow(2, exponent))
        let randomPart = full * jitter / 2
        guard randomPart > 0 else { return full }
        return full - randomPart + Double.random(in: 0...randomPart, using: &generator)
    }
}
