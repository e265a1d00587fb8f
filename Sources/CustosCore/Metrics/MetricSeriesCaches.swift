import CoreMetrics
import Synchronization

// Per-server memory of metric series (kept in `CustosMetrics`, shared by its copies).

/// The mount labels of the last outstanding-lease report (see `CustosMetrics.setOutstandingLeases`).
final class LeaseGaugeLabels: Sendable {
    private let labels = Mutex<Set<String>>([])

    /// Stores `current`; returns the labels of the previous report missing from it.
    func replace(with current: Set<String>) -> Set<String> {
        labels.withLock { previous in
            defer { previous = current }
            return previous.subtracting(current)
        }
    }
}

/// The request counter and timer of each (path family, status), so that answering a request
/// costs one dictionary lookup rather than building both through the factory again.
final class RequestSeriesCache: Sendable {
    struct Key: Hashable {
        var family: String
        var status: Int
    }

    private let series = Mutex<[Key: (count: Counter, duration: CoreMetrics.Timer)]>([:])

    func series(
        family: String, status: Int, make: () -> (Counter, CoreMetrics.Timer)
    ) -> (count: Counter, duration: CoreMetrics.Timer) {
        series.withLock { series in
            let key = Key(family: family, status: status)
            if let existing = series[key] { return existing }
            let made = make()
            series[key] = made
            return made
        }
    }
}
