import Synchronization

/// Bounds how many engine calls (revocations) run at once per mount, shared by expiry workers
/// and explicit revokes, so a revocation storm or a hanging database on one mount holds at most
/// `limit` calls there and leaves other mounts (and the engine's capacity for user requests)
/// alone. Waiters are served first come, first served.
package final class MountConcurrencyLimiter: Sendable {
    private struct Slots {
        var running = 0
        var waiters: [CheckedContinuation<Void, Never>] = []
        var waiterHead = 0
    }

    package let limit: Int
    private let slots = Mutex<[String: Slots]>([:])

    package init(limit: Int) {
        precondition(limit > 0)
        self.limit = limit
    }

    package func withPermit<T: Sendable>(
        mount: String, _ body: @Sendable () async throws -> T
    ) async rethrows -> T {
        await acquire(mount)
        defer { release(mount) }
        return try await body()
    }

    /// Calls running on `mount` now (tests and metrics).
    package func running(on mount: String) -> Int {
        slots.withLock { $0[mount]?.running ?? 0 }
    }

    private func acquire(_ mount: String) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let granted = slots.withLock { slots -> Bool in
                var entry = slots[mount] ?? Slots()
                defer { slots[mount] = entry }
                if entry.running < limit {
                    entry.running += 1
                    return true
                }
                entry.waiters.append(continuation)
                return false
            }
            if granted { continuation.resume() }
        }
    }

    private func release(_ mount: String) {
        let next = slots.withLock { slots -> CheckedContinuation<Void, Never>? in
            guard var entry = slots[mount] else { return nil }
            defer { slots[mount] = entry.running == 0 && entry.waiterHead == entry.waiters.count ? nil : entry }
            if entry.waiterHead < entry.waiters.count {
                // The permit passes straight to the next waiter: `running` is unchanged.
                let waiter = entry.waiters[entry.waiterHead]
                entry.waiterHead += 1
                if entry.waiterHead > 64 && entry.waiterHead * 2 > entry.waiters.count {
                    entry.waiters.removeFirst(entry.waiterHead)
                    entry.waiterHead = 0
                }
                return waiter
            }
            entry.running -= 1
            return nil
        }
        next?.resume()
    }
}
