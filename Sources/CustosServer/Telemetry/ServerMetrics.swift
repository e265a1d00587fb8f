package import CoreMetrics
import Foundation
import Prometheus

/// The metrics registry of one server: a Prometheus registry for `format=prometheus` beside an
/// in-memory sink for the JSON format, fed by one swift-metrics factory that the core and the
/// plugin host record through. Owned by the server, never installed as the process-wide
/// `MetricsSystem`: several servers in one process each keep their own.
package final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    let sink = InMemoryMetricsSink()
    package let factory: any MetricsFactory
    /// As in Vault, the Prometheus format needs a `telemetry` block with a retention above 0.
    let prometheusEnabled: Bool
    private let started = ContinuousClock.now

    package init(prometheusEnabled: Bool) {
        self.prometheusEnabled = prometheusEnabled
        var prometheus = PrometheusMetricsFactory(registry: registry)
        // Most requests take well under 5 ms, the default's first bucket.
        prometheus.defaultDurationHistogramBuckets = [
            .microseconds(500), .milliseconds(1), .milliseconds(2.5), .milliseconds(5), .milliseconds(10),
            .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
            .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
        ]
        factory = MultiplexMetricsHandler(factories: [prometheus, sink] as [any MetricsFactory])
    }

    enum Format: Sendable {
        case json, prometheus
    }

    /// Prometheus text exposition format 0.0.4.
    func prometheusText() -> Data {
        Data(registry.emitToBuffer())
    }

    func jsonReport() throws -> Data {
        let uptime = ContinuousClock.now - started
        let seconds = Double(uptime.components.seconds) + Double(uptime.components.attoseconds) / 1e18
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return try encoder.encode(InMemoryMetricsReport(sink: sink, now: Date(), uptime: seconds))
    }
}
