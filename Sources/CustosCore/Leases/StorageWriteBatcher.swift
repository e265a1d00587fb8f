import Synchronization

/// Group commit: concurrent writers' transactions are merged into one storage transaction.
///
/// Why: the SQLite backend fsyncs every commit (synchronous=FULL), so revoking 10k leases one
/// transaction each would be bounded by the disk's fsync rate, not by the engine. Each caller
/// still gets all-or-nothing for its own operations: a merged batch that fails is retried one
/// caller at a time, so one bad write cannot fail the others.
package final class StorageWriteBatcher: Sendable {
    private struct Waiting {
        var operations: [StorageOperation]
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var waiting: [Waiting] = []
        var flushing = false
    }

    private let backend: any StorageBackend
    private let maxOperationsPerCommit: Int
    private let state = Mutex(State())

    package init(backend: any StorageBackend, maxOperationsPerCommit: Int = 4096) {
        self.backend = backend
        self.maxOperationsPerCommit = maxOperationsPerCommit
    }

    /// Returns once `operations` are committed (atomically together).
    package func write(_ operations: [StorageOperation]) async throws {
        guard !operations.isEmpty else { return }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let startFlusher = state.withLock { state in
                state.waiting.append(Waiting(operations: operations, continuation: continuation))
                if state.flushing { return false }
                state.flushing = true
                return true
            }
            if startFlusher {
                // Inherits the caller's priority: request-path writers are not slowed down by
                // a flusher started from a background revocation.
                Task { await self.flush() }
            }
        }
    }

    private func flush() async {
        while true {
            let batch = state.withLock { state -> [Waiting] in
                var count = 0
                var taken = 0
                for waiting in state.waiting {
                    if taken > 0 && count + waiting.operations.count > maxOperationsPerCommit { break }
                    count += waiting.operations.count
                    taken += 1
                }
                if taken == 0 { state.flushing = false }
                let batch = Array(state.waiting.prefix(taken))
                state.waiting.removeFirst(taken)
                return batch
            }
            if batch.isEmpty { return }
            await commit(batch)
        }
    }

    private func commit(_ batch: [Waiting]) async {
        do {
            try await backend.transaction(batch.flatMap(\.operations))
            for waiting in batch { waiting.continuation.resume() }
        } catch {
            guard batch.count > 1 else {
                batch[0].continuation.resume(throwing: error)
                return
            }
            for waiting in batch {
                do {
                    try await backend.transaction(waiting.operations)
                    waiting.continuation.resume()
                } catch {
                    waiting.continuation.resume(throwing: error)
                }
            }
        }
    }
}
