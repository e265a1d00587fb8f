import Synchronization

/// Counts calls in flight so shutdown can wait for them, with a time limit (the host kills a
/// plugin that takes longer than its grace period to exit).
final class InFlightTracker: Sendable {
    private struct State {
        var count = 0
        var lastWaiterID = 0
        var waiters: [Int: CheckedContinuation<Bool, Never>] = [:]
        /// Waits cancelled before they registered.
        var cancelled: Set<Int> = []
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
        await withTaskGroup(of: Bool.self) { group in
            group.addTask { await self.waitUntilIdle() }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let idle = await group.next() ?? false
            group.cancelAll()
            return idle
        }
    }

    /// Returns true once nothing is in flight, false if cancelled first.
    private func waitUntilIdle() async -> Bool {
        let id = state.withLock { state in
            state.lastWaiterID += 1
            return state.lastWaiterID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let outcome = state.withLock { state -> Bool? in
                    if state.cancelled.remove(id) != nil { return false }
                    guard state.count > 0 else { return true }
                    state.waiters[id] = continuation
                    return nil
                }
                if let outcome { continuation.resume(returning: outcome) }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                let waiter = state.waiters.removeValue(forKey: id)
                if waiter == nil { state.cancelled.insert(id) }
                return waiter
            }
            waiter?.resume(returning: false)
        }
    }
}
