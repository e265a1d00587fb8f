import Synchronization

/// Group commit: concurrent writers' transactions are merged into one storage transaction.
///
/// Why: the SQLite backend fsyncs every commit (synchronous=FULL), so revoking 10k leases one
/// transaction each would be bounded by the disk's fsync rate, not by the engine. Each caller
/// still gets all-or-nothing for its own operations: a merged batch that fails is retried one
/// caller at a time, so one bad write cannot fail the others.
///
/// No task of its own: the writer that finds no commit in progress commits its operations and
/// those of the writers waiting, then hands the turn to the next waiter (if any), who commits
/// in its own task and at its own priority.
package final class StorageWriteBatcher: Sendable {
    /// How a waiting writer is resumed.
    private enum Turn {
        /// Its operations were committed by another writer.
        case committed
        /// It commits now (its operations and those waiting).
        case commit
    }

    private struct Waiting {
        var operations: [StorageOperation]
        var continuation: CheckedContinuation<Turn, any Error>
    }

    private struct State {
        var waiting: [Waiting] = []
        /// A writer holds the turn (committing, or resumed to commit).
        var committing = false
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
        let turn = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Turn, any Error>) in
            let commitNow = state.withLock { state in
                if state.committing {
                    state.waiting.append(Waiting(operations: operations, continuation: continuation))
                    return false
                }
                state.committing = true
                return true
            }
            if commitNow { continuation.resume(returning: .commit) }
        }
        guard case .commit = turn else { return }
        let others = takeWaiting(after: operations.count)
        let result = await commit(operations, with: others)
        passTurn()
        try result.get()
    }

    /// The waiting writers whose operations fit in this commit, in order.
    private func takeWaiting(after ownCount: Int) -> [Waiting] {
        state.withLock { state in
            var count = ownCount
            var taken = 0
            for waiting in state.waiting {
                if count + waiting.operations.count > maxOperationsPerCommit { break }
                count += waiting.operations.count
                taken += 1
            }
            let batch = Array(state.waiting.prefix(taken))
            state.waiting.removeFirst(taken)
            return batch
        }
    }

    /// The next waiter commits; none: the turn is free.
    private func passTurn() {
        let next = state.withLock { state -> Waiting? in
            guard !state.waiting.isEmpty else {
                state.committing = false
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.continuation.resume(returning: .commit)
    }

    /// Commits `own` with the others' operations; resumes the others and returns the result
    /// for `own`.
    private func commit(_ own: [StorageOperation], with others: [Waiting]) async -> Result<Void, any Error> {
        do {
            try await backend.transaction(own + others.flatMap(\.operations))
            for waiting in others { waiting.continuation.resume(returning: .committed) }
            return .success(())
        } catch {
            guard !others.isEmpty else { return .failure(error) }
        }
        let result: Result<Void, any Error>
        do {
            try await backend.transaction(own)
            result = .success(())
        } catch {
            result = .failure(error)
        }
        for waiting in others {
            do {
                try await backend.transaction(waiting.operations)
                waiting.continuation.resume(returning: .committed)
            } catch {
                waiting.continuation.resume(throwing: error)
            }
        }
        return result
    }
}
