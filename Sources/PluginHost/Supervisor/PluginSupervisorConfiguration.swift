package import CoreMetrics

/// Timing, environment and metrics policy of the plugin supervisor.
package struct PluginSupervisorConfiguration: Sendable {
    /// Deadline of a call when the caller gives none.
    package var callTimeout: Duration = .seconds(30)
    /// Deadline of the `Info` handshake after a start.
    package var handshakeTimeout: Duration = .seconds(10)
    /// How long a plugin may take to exit after its stdin closes before it is killed.
    package var shutdownGrace: Duration = .seconds(5)
    /// Restart back-off: `initialBackoff` doubling per consecutive failure up to `maxBackoff`;
    /// the count resets when the failed process had been up for `healthyAfter`.
    package var initialBackoff: Duration = .milliseconds(100)
    package var maxBackoff: Duration = .seconds(10)
    package var healthyAfter: Duration = .seconds(60)
    /// Names of the server's environment variables a plugin inherits.
    package var inheritedEnvironment: [String] = PluginEnvironment.defaultInherited
    /// Where call counts, latencies and restarts go; by default nowhere.
    package var metricsFactory: any MetricsFactory = NOOPMetricsHandler.instance

    package init() {}

    var metrics: PluginMetrics { PluginMetrics(factory: metricsFactory) }

    /// Delay before restart number `failures` (1-based).
    func backoff(afterFailures failures: Int) -> Duration {
        guard failures > 0 else { return .zero }
        var delay = initialBackoff
        for _ in 1..<failures {
            delay *= 2
            if delay >= maxBackoff { return maxBackoff }
        }
        return min(delay, maxBackoff)
    }
}
