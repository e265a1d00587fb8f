import CoreMetrics
import Synchronization

/// A swift-metrics backend that keeps every series in memory, for `sys/metrics`' JSON format
/// (Vault's in-memory sink shape). Unlike Vault's sink, whose values cover the current 10 s
/// interval, these are cumulative since the server started.
final class InMemoryMetricsSink: MetricsFactory, Sendable {
    struct SeriesKey: Hashable, Sendable {
        var name: String
        var labelNames: [String]
        var labelValues: [String]

        init(_ name: String, _ dimensions: [(String, String)]) {
            self.name = name
            self.labelNames = dimensions.map(\.0)
            self.labelValues = dimensions.map(\.1)
        }

        var labels: [String: String] {
            Dictionary(zip(labelNames, labelValues), uniquingKeysWith: { _, last in last })
        }
    }

    /// Count, sum, min, max and sum of squares of the values recorded (counter increments or
    /// timer durations in milliseconds, as Vault reports them).
    struct Aggregate: Sendable {
        var count = 0
        var sum = 0.0
        var min = 0.0
        var max = 0.0
        var sumOfSquares = 0.0

        mutating func add(_ value: Double) {
            min = count == 0 ? value : Swift.min(min, value)
            max = count == 0 ? value : Swift.max(max, value)
            count += 1
            sum += value
            sumOfSquares += value * value
        }
    }

    final class CounterSeries: CounterHandler, FloatingPointCounterHandler, Sendable {
        let aggregate = Mutex(Aggregate())
        func increment(by amount: Int64) { aggregate.withLock { $0.add(Double(amount)) } }
        func increment(by amount: Double) { aggregate.withLock { $0.add(amount) } }
        func reset() { aggregate.withLock { $0 = Aggregate() } }
    }

    final class GaugeSeries: RecorderHandler, MeterHandler, Sendable {
        let value = Mutex(0.0)
        func record(_ value: Int64) { self.value.withLock { $0 = Double(value) } }
        func record(_ value: Double) { self.value.withLock { $0 = value } }
        func set(_ value: Int64) { record(value) }
        func set(_ value: Double) { record(value) }
        func increment(by amount: Double) { value.withLock { $0 += amount } }
        func decrement(by amount: Double) { value.withLock { $0 -= amount } }
    }

    final class TimerSeries: TimerHandler, RecorderHandler, Sendable {
        let aggregate = Mutex(Aggregate())
        func recordNanoseconds(_ duration: Int64) { aggregate.withLock { $0.add(Double(duration) / 1_000_000) } }
        func record(_ value: Int64) { aggregate.withLock { $0.add(Double(value)) } }
        func record(_ value: Double) { aggregate.withLock { $0.add(value) } }
    }

    struct Series: Sendable {
        var counters: [SeriesKey: CounterSeries] = [:]
        var gauges: [SeriesKey: GaugeSeries] = [:]
        var samples: [SeriesKey: TimerSeries] = [:]
    }

    let series = Mutex(Series())

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        counter(SeriesKey(label, dimensions))
    }

    func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        counter(SeriesKey(label, dimensions))
    }

    func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        gauge(SeriesKey(label, dimensions))
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        let key = SeriesKey(label, dimensions)
        if aggregate { return sample(key) }
        return gauge(key)
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        sample(SeriesKey(label, dimensions))
    }

    func destroyCounter(_ handler: any CounterHandler) { remove(handler) }
    func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) { remove(handler) }
    func destroyMeter(_ handler: any MeterHandler) { remove(handler) }
    func destroyRecorder(_ handler: any RecorderHandler) { remove(handler) }
    func destroyTimer(_ handler: any TimerHandler) { remove(handler) }

    private func counter(_ key: SeriesKey) -> CounterSeries { existing(key, in: \.counters, or: CounterSeries()) }
    private func gauge(_ key: SeriesKey) -> GaugeSeries { existing(key, in: \.gauges, or: GaugeSeries()) }
    private func sample(_ key: SeriesKey) -> TimerSeries { existing(key, in: \.samples, or: TimerSeries()) }

    /// The series of this key in one table, created on first use: swift-metrics asks again for
    /// every handler with the same label and dimensions, and they must share one series.
    private func existing<Handler: Sendable>(
        _ key: SeriesKey, in table: WritableKeyPath<Series, [SeriesKey: Handler]>,
        or make: @autoclosure () -> Handler
    ) -> Handler {
        series.withLock { all in
            if let found = all[keyPath: table][key] { return found }
            let created = make()
            all[keyPath: table][key] = created
            return created
        }
    }

    private func remove(_ handler: AnyObject) {
        series.withLock { all in
            all.counters = all.counters.filter { $0.value !== handler }
            all.gauges = all.gauges.filter { $0.value !== handler }
            all.samples = all.samples.filter { $0.value !== handler }
        }
    }
}
