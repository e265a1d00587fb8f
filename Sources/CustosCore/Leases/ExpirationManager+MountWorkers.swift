import Foundation

/// Per-mount revocation workers: at most `revocationConcurrencyPerMount` per mount, each taking
/// a few due leases at a time, calling the engine (under the mount's permit) and committing the
/// results of its chunk in one storage write, so a storm costs one fsync per chunk rather than
/// one per lease.
extension ExpirationManager {
    static let workerChunk = 16

    /// One lease's result in a worker's chunk: revoked (and deleted), or failed (and stored
    /// with its new attempt count, rescheduled unless now irrevocable).
    struct ChunkOutcome: Sendable {
        var lease: LeaseEntry
        var revoked: Bool
        var reschedule: Int64?
    }

    /// Up to `workerChunk` items, fewer when the queue is short so that every worker gets some
    /// (parallelism matters with a slow engine). Empty: the worker exits.
    private func nextMountItems(_ mount: String) -> [MountWorkQueue.Item] {
        guard var work = mountQueues[mount] else { return [] }
        let remaining = work.items.count - work.head
        if !stopped && remaining > 0 {
            let share = (remaining + work.workers - 1) / max(work.workers, 1)
            var items: [MountWorkQueue.Item] = []
            for _ in 0..<min(Self.workerChunk, max(1, share)) {
                guard let item = work.popFirst() else { break }
                items.append(item)
            }
            mountQueues[mount] = work
            return items
        }
        work.workers -= 1
        mountQueues[mount] = work.workers == 0 && work.isEmpty ? nil : work
        checkIdle()
        return []
    }

    nonisolated func runMountWorker(_ mount: String) async {
        while true {
            let items = await nextMountItems(mount)
            if items.isEmpty { return }
            var changes: [LeaseChange] = []
            var outcomes: [ChunkOutcome] = []
            var gone: [String] = []
            var retry: [String] = []
            for item in items {
                let lease: LeaseEntry
                switch item {
                case .loaded(let loaded):
                    lease = loaded
                case .id(let id):
                    do {
                        guard let loaded = try await store.load(id) else {
                            gone.append(id)
                            continue
                        }
                        lease = loaded
                    } catch {
                        retry.append(id)
                        continue
                    }
                }
                do {
                    try await limiter.withPermit(mount: mount) { try await revoker.revoke(lease) }
                    changes.append(.remove(lease))
                    outcomes.append(ChunkOutcome(lease: lease, revoked: true, reschedule: nil))
                } catch {
                    let updated = failedAttempt(lease, message: RevocationErrorMessage.describe(error))
                    changes.append(.update(updated, previous: lease))
                    let reschedule = updated.scheduledTime.map { milliseconds($0) }
                    outcomes.append(ChunkOutcome(lease: updated, revoked: false, reschedule: reschedule))
                }
            }
            do {
                try await store.apply(changes, background: true)
            } catch {
                // Engine calls are idempotent: revoke again later, then delete or record.
                retry += outcomes.map(\.lease.id)
                outcomes = []
            }
            let droppedMeanwhile = await finishChunk(outcomes, gone: gone, retry: retry)
            if !droppedMeanwhile.isEmpty {
                try? await store.apply(droppedMeanwhile.map { .remove($0) }, background: true)
            }
        }
    }

    /// Ends the claims of a chunk; returns the leases force-revoked meanwhile (to delete).
    private func finishChunk(
        _ outcomes: [ChunkOutcome], gone: [String], retry: [String]
    ) -> [LeaseEntry] {
        var droppedMeanwhile: [LeaseEntry] = []
        for outcome in outcomes where release(outcome.lease.id, reschedule: outcome.reschedule) && !outcome.revoked {
            droppedMeanwhile.append(outcome.lease)
        }
        for id in gone { _ = release(id, reschedule: nil) }
        for id in retry { retryLater(id) }
        return droppedMeanwhile
    }

    /// Counts the failed attempt (stored with the lease, so a restart neither resets the count
    /// nor retries early) and backs off, or marks the lease irrevocable.
    private nonisolated func failedAttempt(_ lease: LeaseEntry, message: String) -> LeaseEntry {
        let policy = configuration.retryPolicy
        var updated = lease
        updated.revocation.attempts += 1
        updated.revocation.lastError = message
        if updated.revocation.attempts >= policy.maxAttempts {
            updated.irrevocable = true
            updated.revocation.nextAttemptTime = nil
        } else {
            let delay = policy.delay(afterAttempts: updated.revocation.attempts)
            updated.revocation.nextAttemptTime = clock.now.addingTimeInterval(delay)
        }
        return updated
    }
}
