/// The supervisor's time: when a back-off ends and how long a process has been up. Injected so
/// that tests can move time by hand; the server uses `SystemPluginClock`.
package protocol PluginClock: Sendable {
    var now: ContinuousClock.Instant { get }
    func sleep(until deadline: ContinuousClock.Instant) async throws
}

/// The real time: `ContinuousClock`.
package struct SystemPluginClock: PluginClock {
    package init() {}

    package var now: ContinuousClock.Instant { ContinuousClock.now }

    package func sleep(until deadline: ContinuousClock.Instant) async throws {
        try await ContinuousClock().sleep(until: deadline, tolerance: nil)
    }
}
