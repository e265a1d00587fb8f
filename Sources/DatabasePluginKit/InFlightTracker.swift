import Synchronization

/// Counts calls in flight so shutdown can wait for them, with a time limit (the host kills a
/// plugin that takes longer than its grace period to exit).
final class InFlightTracker: Sendable {
    private struct State {
        var count = 0
        var nextWaiterID = 0
        var waiters: [Int: CheckedContinuation<Bool, Never>] = [:]
    }

    private let state = Mutex(State())

    var count: Int { state.withLock { $0.count } }

    func begin() {
        state.withLock { $0.count += 1 }
    }

    func end() {
        let waiters = state.withLock { state -> [CheckedContinuation<Bool, Never>] in
            state.count -= 1
            guard state.count == 0 else { return [] }
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume(returning: true) }
    }

    /// Returns true once nothing is in flight, false if `timeout` passes first.
    func waitUntilIdle(timeout: Duration) async -> Bool {
        await withCheckedContinuation { continuation in
            let waiterID = state.withLock { state -> Int? in
                guard state.count > 0 else { return nil }
                let id = state.nextWaiterID
                state.nextWaiterID += 1
                state.waiters[id] = continuation
                return id
            }
            guard let waiterID else {
                continuation.resume(returning: true)
                return
            }
            Task {
                try? await Task.sleep(for: timeout)
                let expired = self.state.withLock { $0.waiters.removeValue(forKey: waiterID) }
                expired?.resume(returning: false)
            }
        }
    }
}
