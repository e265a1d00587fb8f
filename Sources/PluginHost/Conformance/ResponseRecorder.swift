import Synchronization

/// Watches a conformance run's responses: the order ids came back in, and the id-less answers
/// (parse errors) that no call waits for, which `nextUnmatched` hands out as they arrive.
final class ResponseRecorder: Sendable {
    private struct State {
        var arrivalOrder: [Int] = []
        var unmatched: [RPCResponseHead] = []
        var waiter: (id: Int, continuation: CheckedContinuation<RPCResponseHead?, Never>)?
        var nextWaiterID = 0
        /// Waiters whose timeout fired before they registered.
        var expired: Set<Int> = []
    }

    private let state = Mutex(State())

    func record(_ head: RPCResponseHead) {
        let waiter: CheckedContinuation<RPCResponseHead?, Never>? = state.withLock { state in
            if let id = head.id {
                state.arrivalOrder.append(id)
                return nil
            }
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter.continuation
            }
            state.unmatched.append(head)
            return nil
        }
        waiter?.resume(returning: head)
    }

    /// Ids in the order their answers arrived.
    var arrivalOrder: [Int] {
        state.withLock { $0.arrivalOrder }
    }

    /// The next id-less answer, or nil if none arrives within `timeout`.
    func nextUnmatched(timeout: Duration) async -> RPCResponseHead? {
        let waiterID = state.withLock { state in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        // The timer is a child of this wait: it ends (cancelled) when the answer comes first.
        return await withTaskGroup(of: Void.self) { group in
            group.addTask { [self] in
                guard (try? await Task.sleep(for: timeout)) != nil else { return }
                let waiter = state.withLock { state -> CheckedContinuation<RPCResponseHead?, Never>? in
                    guard let waiter = state.waiter, waiter.id == waiterID else {
                        state.expired.insert(waiterID)
                        return nil
                    }
                    state.waiter = nil
                    return waiter.continuation
                }
                waiter?.resume(returning: nil)
            }
            defer { group.cancelAll() }
            return await wait(waiterID)
        }
    }

    private func wait(_ waiterID: Int) async -> RPCResponseHead? {
        await withCheckedContinuation { continuation in
            let ready: RPCResponseHead?? = state.withLock { state in
                if !state.unmatched.isEmpty { return .some(state.unmatched.removeFirst()) }
                if state.expired.remove(waiterID) != nil { return .some(nil) }
                state.waiter = (waiterID, continuation)
                return .none
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}
