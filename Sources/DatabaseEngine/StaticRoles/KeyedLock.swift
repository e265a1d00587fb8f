/// One async critical section at a time per key, in arrival order: a static role is rotated,
/// written, deleted or settled by one caller at a time (the scheduler and requests race
/// otherwise), while different roles proceed in parallel.
actor KeyedLock {
    private var waiters: [String: [CheckedContinuation<Void, Never>]] = [:]

    nonisolated func withLock<T: Sendable>(_ key: String, _ body: () async throws -> T) async throws -> T {
        await lock(key)
        do {
            let result = try await body()
            await unlock(key)
            return result
        } catch {
            await unlock(key)
            throw error
        }
    }

    private func lock(_ key: String) async {
        guard waiters[key] != nil else {
            waiters[key] = []
            return
        }
        await withCheckedContinuation { waiters[key, default: []].append($0) }
    }

    /// Ownership passes straight to the next waiter, so nobody barges in between.
    private func unlock(_ key: String) {
        guard var queue = waiters[key], !queue.isEmpty else {
            waiters[key] = nil
            return
        }
        let next = queue.removeFirst()
        waiters[key] = queue
        next.resume()
    }
}
