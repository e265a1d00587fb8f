import Synchronization

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
