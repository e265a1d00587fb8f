import CoreMetrics
import DatabasePluginProtocol

/// The plugin host's metrics, through the swift-metrics API (the server hands in the factory of
/// its registry via `PluginSupervisorConfiguration.metricsFactory`). Labels: the catalog name
/// (set by an admin) and the protocol method (a fixed set), so cardinality stays bounded.
package struct PluginMetrics: Sendable {
    package enum Name {
        package static let calls = "custos_plugin_calls_total"
        package static let callDuration = "custos_plugin_call_duration_seconds"
        package static let restarts = "custos_plugin_restarts_total"
    }

    let factory: any MetricsFactory

    /// Runs one call, then counts it (`outcome` ok or error) and records its latency.
    func measure<T>(plugin: String, method: PluginMethod, _ call: () async throws -> T) async throws -> T {
        let started = ContinuousClock.now
        defer {
            let (seconds, attoseconds) = (ContinuousClock.now - started).components
            let nanoseconds = seconds > 9_000_000_000 ? Int64.max : seconds * 1_000_000_000 + attoseconds / 1_000_000_000
            CoreMetrics.Timer(
                label: Name.callDuration, dimensions: [("plugin", plugin), ("method", method.rawValue)], factory: factory
            ).recordNanoseconds(nanoseconds)
        }
        do {
            let result = try await call()
            count(plugin: plugin, method: method, outcome: "ok")
            return result
        } catch {
            count(plugin: plugin, method: method, outcome: "error")
            throw error
        }
    }

    private func count(plugin: String, method: PluginMethod, outcome: String) {
        Counter(
            label: Name.calls, dimensions: [("plugin", plugin), ("method", method.rawValue), ("outcome", outcome)],
            factory: factory
        ).increment()
    }

    /// A plugin process is started again after its predecessor failed.
    func restarted(plugin: String) {
        Counter(label: Name.restarts, dimensions: [("plugin", plugin)], factory: factory).increment()
    }
}
