import Foundation
import Synchronization

/// `sys/metrics` without `format=prometheus`: the JSON Vault's in-memory sink answers,
/// `{Timestamp, Gauges, Points, Counters, Samples}`. Samples (timers) are in milliseconds, as
/// in Vault; every value is cumulative since the server started, and `Rate` is the sum per
/// second over that time.
struct InMemoryMetricsReport: Encodable {
    struct GaugeValue: Encodable {
        var name: String
        var value: Double
        var labels: [String: String]

        enum CodingKeys: String, CodingKey {
            case name = "Name", value = "Value", labels = "Labels"
        }
    }

    struct AggregateValue: Encodable {
        var name: String
        var count: Int
        var rate: Double
        var sum: Double
        var min: Double
        var max: Double
        var mean: Double
        var stddev: Double
        var labels: [String: String]

        enum CodingKeys: String, CodingKey {
            case name = "Name", count = "Count", rate = "Rate", sum = "Sum", min = "Min", max = "Max"
            case mean = "Mean", stddev = "Stddev", labels = "Labels"
        }

        init(_ key: InMemoryMetricsSink.SeriesKey, _ aggregate: InMemoryMetricsSink.Aggregate, uptime: Double) {
            name = key.name
            labels = key.labels
            count = aggregate.count
            sum = aggregate.sum
            min = aggregate.min
            max = aggregate.max
            rate = uptime > 0 ? aggregate.sum / uptime : 0
            mean = aggregate.count > 0 ? aggregate.sum / Double(aggregate.count) : 0
            // Sample standard deviation, as go-metrics computes it.
            if aggregate.count > 1 {
                let n = Double(aggregate.count)
                stddev = ((aggregate.sumOfSquares - aggregate.sum * aggregate.sum / n) / (n - 1)).squareRoot()
                if !stddev.isFinite { stddev = 0 }
            } else {
                stddev = 0
            }
        }
    }

    var timestamp: String
    var gauges: [GaugeValue]
    var points: [GaugeValue] = []
    var counters: [AggregateValue]
    var samples: [AggregateValue]

    enum CodingKeys: String, CodingKey {
        case timestamp = "Timestamp", gauges = "Gauges", points = "Points", counters = "Counters", samples = "Samples"
    }

    init(sink: InMemoryMetricsSink, now: Date, uptime: Double) {
        let series = sink.series.withLock { $0 }
        func ordered<T>(_ values: [InMemoryMetricsSink.SeriesKey: T]) -> [(InMemoryMetricsSink.SeriesKey, T)] {
            values.sorted { ($0.key.name, $0.key.labelValues.joined(separator: "\u{1}")) < ($1.key.name, $1.key.labelValues.joined(separator: "\u{1}")) }
                .map { ($0.key, $0.value) }
        }
        timestamp = Self.vaultTimestamp(now)
        gauges = ordered(series.gauges).map { key, gauge in
            GaugeValue(name: key.name, value: gauge.value.withLock { $0 }, labels: key.labels)
        }
        counters = ordered(series.counters).map { key, counter in
            AggregateValue(key, counter.aggregate.withLock { $0 }, uptime: uptime)
        }
        samples = ordered(series.samples).map { key, timer in
            AggregateValue(key, timer.aggregate.withLock { $0 }, uptime: uptime)
        }
    }

    /// Go's `time.Time.String()` in UTC, as Vault prints it: `2026-12-06 22:19:10 +0000 UTC`.
    static func vaultTimestamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss '+0000 UTC'"
        return formatter.string(from: date)
    }
}
