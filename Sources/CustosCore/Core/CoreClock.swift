package import Foundation

/// The core's one time source: token and lease expiry, lease lookups, static-role rotation,
/// the token sweep. Injected (`CoreSettings.clock`) so tests drive time by hand
/// (`ManualClock` in CustosTesting) instead of sleeping. Wall-clock `Date`s because expiries
/// are absolute times that outlive the process.
package protocol CoreClock: Sendable {
    var now: Date { get }
    /// Returns at or after `deadline`; throws `CancellationError` if the task is cancelled.
    func sleep(until deadline: Date) async throws
}

/// The real clock.
package struct SystemClock: CoreClock {
    /// Longest single sleep: a wall-clock step (NTP, suspend) is noticed within this.
    private static let maximumNap: Double = 30

    package init() {}

    package var now: Date { Date() }

    package func sleep(until deadline: Date) async throws {
        while true {
            let remaining = deadline.timeIntervalSinceNow
            if remaining <= 0 { return }
            try await Task.sleep(for: .seconds(min(remaining, Self.maximumNap)))
        }
    }
}
