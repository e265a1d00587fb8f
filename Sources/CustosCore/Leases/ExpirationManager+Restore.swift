import Foundation

/// What a restore found.
package struct LeaseRestoreReport: Sendable, Equatable {
    /// Scheduled leases loaded into the queue (expired ones included: they are revoked next).
    package var queued: Int
    /// Of those, already due when restored (expired while the server was down).
    package var alreadyDue: Int
    /// Write-ahead records left by a crash, turned into expired leases to roll back.
    package var rolledBack: Int
    package var duration: Duration
}

extension ExpirationManager {
    /// Loads every stored lease into the queue in the background and returns at once: serving
    /// does not wait. Leases that expired while the server was down are then revoked by the
    /// usual bounded workers, and write-ahead records left by a crash are rolled back.
    ///
    /// Fast by construction: the queue is rebuilt from the due index's keys alone (one key-only
    /// range scan, no value read or decrypted) into a heap built in O(n) off the actor, then
    /// swapped in; full leases are loaded only when due.
    package func restore() {
        guard machine.startRestore() else { return }
        tasks.add(priority: .utility) { await self.runRestore() }
    }

    /// Off the actor: reading and heapifying a million entries must not block other calls.
    private nonisolated func runRestore() async {
        let started = ContinuousClock.now
        do {
            let entries = try await store.dueEntries()
            var restored = ExpirationQueue()
            restored.insertBatch(entries)
            let (queued, due) = await installRestoredQueue(restored)
            let rolledBack = try await rollBackPendingRecords()
            await finishRestore(.success(LeaseRestoreReport(
                queued: queued, alreadyDue: due, rolledBack: rolledBack, duration: ContinuousClock.now - started)))
        } catch {
            await finishRestore(.failure(
                LeaseError(.unavailable, "restoring leases failed: \(RevocationErrorMessage.describe(error))")))
        }
    }

    /// Awaits the end of `restore()`.
    package func waitForRestore() async throws -> LeaseRestoreReport {
        switch machine.restore {
        case .finished(let report): return report
        case .failed(let error): throw error
        case .notStarted: throw LeaseError(.unavailable, "restore has not been started")
        case .running: return try await withCheckedThrowingContinuation { restoreWaiters.append($0) }
        }
    }

    /// Installs the queue read from storage (see `ExpiryStateMachine.installRestored`).
    private func installRestoredQueue(_ restored: ExpirationQueue) -> (queued: Int, due: Int) {
        let (queued, due, actions) = machine.installRestored(restored, now: clock.now)
        perform(actions)
        return (queued, due)
    }

    /// Each record not begun by this process becomes an expired lease, queued for revocation.
    private func rollBackPendingRecords() async throws -> Int {
        var count = 0
        for record in try await store.pendingRecords() where machine.isLeftByCrash(record) {
            let lease = try await store.convertPending(record, now: clock.now)
            if let time = lease.scheduledTime { schedule(lease.id, at: time) }
            count += 1
        }
        return count
    }

    private func finishRestore(_ result: Result<LeaseRestoreReport, LeaseError>) {
        machine.finishRestore(result)
        let waiters = restoreWaiters
        restoreWaiters = []
        for waiter in waiters { waiter.resume(with: result) }
        perform([])
    }
}
