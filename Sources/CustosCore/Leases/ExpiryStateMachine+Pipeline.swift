import Foundation

/// The expiry pipeline's transitions: backlog of due ids -> loaders (`load`: learn each lease's
/// mount) -> per-mount work queues -> workers (`revoke` a chunk under the mount's permit) ->
/// one write per chunk (`persist`) -> claims end (`committed`): deleted, backed off, or
/// irrevocable.
extension ExpiryStateMachine {
    /// Ids per `load` action: a storm of thousands costs a few dozen hops, not thousands.
    static let loadChunk = 64
    /// Leases per `revoke` action at most: one storage write per chunk, not per lease.
    static let revokeChunk = 16

    /// Starts loaders, up to `resolverConcurrency`, while the backlog has ids.
    mutating func startLoaders() -> [ExpiryAction] {
        var actions: [ExpiryAction] = []
        while activeLoaders < configuration.resolverConcurrency, let chunk = takeBacklogChunk() {
            activeLoaders += 1
            actions.append(.load(chunk))
        }
        return actions
    }

    private mutating func takeBacklogChunk() -> [ExpirationQueue.Entry]? {
        guard !stopped, backlogHead < backlog.count else { return nil }
        let end = min(backlog.count, backlogHead + Self.loadChunk)
        let chunk = Array(backlog[backlogHead..<end])
        backlogHead = end
        if backlogHead == backlog.count {
            backlog = []
            backlogHead = 0
        } else if backlogHead > 4096 && backlogHead * 2 > backlog.count {
            backlog.removeFirst(backlogHead)
            backlogHead = 0
        }
        return chunk
    }

    /// A loader read its chunk (`lease` nil: not stored any more; `unreadable`: storage
    /// failed). Routes each lease to its mount's queue, starts workers, and gives the loader
    /// its next chunk (or ends it).
    mutating func loaded(
        _ leases: [(entry: ExpirationQueue.Entry, lease: LeaseEntry?)], unreadable: [String], now: Date
    ) -> [ExpiryAction] {
        var actions: [ExpiryAction] = []
        var startWorkers: [String: Int] = [:]
        for (entry, lease) in leases {
            actions += route(entry, lease: lease, now: now, startWorkers: &startWorkers)
        }
        for id in unreadable { actions += retryLater(id, now: now) }
        for (mount, count) in startWorkers.sorted(by: { $0.key < $1.key }) {
            for _ in 0..<count { actions += nextRevokeChunk(mount) }
        }
        if let chunk = takeBacklogChunk() {
            actions.append(.load(chunk))
        } else {
            activeLoaders -= 1
        }
        return actions
    }

    private mutating func route(
        _ entry: ExpirationQueue.Entry, lease: LeaseEntry?, now: Date, startWorkers: inout [String: Int]
    ) -> [ExpiryAction] {
        let id = entry.id
        guard let lease else {
            // Revoked meanwhile, or a stale due key (restore race, crash between writes of an
            // older version): nothing to revoke, clean the key.
            _ = release(id, reschedule: nil)
            return [.deleteKeys([LeaseStorageLayout.due + LeaseStorageLayout.encodeDeadline(entry.deadline) + "/" + id])]
        }
        if dropped.contains(id) { return [.removeDropped(lease)] }
        guard let scheduled = lease.scheduledTime else {
            return release(id, reschedule: nil).actions  // irrevocable: waits for an operator
        }
        let scheduledMilliseconds = Self.milliseconds(scheduled)
        if scheduledMilliseconds > Self.milliseconds(now) {
            return release(id, reschedule: scheduledMilliseconds).actions  // renewed since it was queued
        }
        let mount = lease.mountAccessor
        var work = mountQueues[mount] ?? MountWorkQueue()
        work.append(lease, maxLoaded: configuration.maxLoadedPerMount)
        if work.workers < configuration.revocationConcurrencyPerMount {
            work.workers += 1
            startWorkers[mount, default: 0] += 1
        }
        mountQueues[mount] = work
        return []
    }

    /// Storage could not be read for `id`: tried again after the first back-off step.
    mutating func retryLater(_ id: String, now: Date) -> [ExpiryAction] {
        let delay = configuration.retryPolicy.delay(afterAttempts: 1)
        let (dropped, actions) = release(id, reschedule: Self.milliseconds(now.addingTimeInterval(delay)))
        return dropped ? [.removeIfPresent(id)] : actions
    }

    /// A worker's next chunk on `mount`: up to `revokeChunk`, fewer when the queue is short so
    /// that every worker gets some (parallelism matters with a slow engine). None: the worker
    /// ends.
    private mutating func nextRevokeChunk(_ mount: String) -> [ExpiryAction] {
        guard var work = mountQueues[mount] else { return [] }
        if !stopped && work.remaining > 0 {
            let share = (work.remaining + work.workers - 1) / max(work.workers, 1)
            var items: [MountWorkQueue.Item] = []
            for _ in 0..<min(Self.revokeChunk, max(1, share)) {
                guard let item = work.popFirst() else { break }
                items.append(item)
            }
            mountQueues[mount] = work
            return [.revoke(mount: mount, items)]
        }
        work.workers -= 1
        mountQueues[mount] = work.workers == 0 && work.isEmpty ? nil : work
        return []
    }

    /// A worker's engine calls returned: what to store, in one write.
    mutating func revocationsFinished(mount: String, _ results: [RevocationResult], now: Date) -> [ExpiryAction] {
        var commit = RevocationCommit(mount: mount, changes: [], outcomes: [], gone: [], retry: [])
        for result in results {
            switch result {
            case .revoked(let lease):
                commit.changes.append(.remove(lease))
                commit.outcomes.append(.init(lease: lease, revoked: true, reschedule: nil))
            case .failed(let lease, let message):
                let updated = failedAttempt(lease, message: message, now: now)
                commit.changes.append(.update(updated, previous: lease))
                commit.outcomes.append(
                    .init(lease: updated, revoked: false, reschedule: updated.scheduledTime.map(Self.milliseconds)))
            case .gone(let id):
                commit.gone.append(id)
            case .unreadable(let id), .interrupted(let id):
                commit.retry.append(id)
            }
        }
        return [.persist(commit)]
    }

    /// Counts the failed attempt (stored with the lease, so a restart neither resets the count
    /// nor retries early) and backs off, or gives up: the lease becomes irrevocable.
    mutating func failedAttempt(_ lease: LeaseEntry, message: String, now: Date) -> LeaseEntry {
        let policy = configuration.retryPolicy
        var updated = lease
        updated.revocation.attempts += 1
        updated.revocation.lastError = message
        if updated.revocation.attempts >= policy.maxAttempts {
            updated.irrevocable = true
            updated.revocation.nextAttemptTime = nil
        } else {
            let delay = policy.delay(afterAttempts: updated.revocation.attempts)
            updated.revocation.nextAttemptTime = now.addingTimeInterval(delay)
        }
        return updated
    }

    /// A chunk's write ended: claims end (rescheduled on failure), leases force-revoked
    /// meanwhile are deleted, and the worker takes its next chunk. A failed write changes
    /// nothing stored: every lease of the chunk is revoked again later (engine calls are
    /// idempotent).
    mutating func committed(_ commit: RevocationCommit, succeeded: Bool, now: Date) -> [ExpiryAction] {
        var actions: [ExpiryAction] = []
        var retry = commit.retry
        var droppedMeanwhile: [LeaseEntry] = []
        if succeeded {
            for outcome in commit.outcomes {
                let (wasDropped, released) = release(outcome.lease.id, reschedule: outcome.reschedule)
                actions += released
                if wasDropped && !outcome.revoked { droppedMeanwhile.append(outcome.lease) }
            }
        } else {
            retry += commit.outcomes.map(\.lease.id)
        }
        for id in commit.gone { actions += release(id, reschedule: nil).actions }
        for id in retry { actions += retryLater(id, now: now) }
        if !droppedMeanwhile.isEmpty { actions.append(.remove(droppedMeanwhile)) }
        return actions + nextRevokeChunk(commit.mount)
    }
}
