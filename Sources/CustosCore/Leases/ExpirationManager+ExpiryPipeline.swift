import Foundation

/// Due leases waiting for one mount's workers: loaded leases up to
/// `Configuration.maxLoadedPerMount`, ids beyond that.
struct MountWorkQueue {
    enum Item {
        case loaded(LeaseEntry)
        case id(String)
    }

    var items: [Item] = []
    var head = 0
    var loadedCount = 0
    var workers = 0

    var isEmpty: Bool { head == items.count }

    mutating func popFirst() -> Item? {
        guard head < items.count else { return nil }
        let item = items[head]
        head += 1
        if case .loaded = item { loadedCount -= 1 }
        if head > 1024 && head * 2 > items.count {
            items.removeFirst(head)
            head = 0
        }
        return item
    }
}

/// The expiry pipeline: backlog of due ids -> resolvers (load, find the mount) -> per-mount
/// workers (engine call under the mount's permit) -> completion (delete, or record the failure
/// and back off, or mark irrevocable).
extension ExpirationManager {
    func startResolvers() {
        while activeResolvers < configuration.resolverConcurrency && backlogHead < backlog.count {
            activeResolvers += 1
            Task(priority: configuration.revocationPriority) { await self.runResolver() }
        }
    }

    /// Up to `resolverChunk` due entries per actor hop: a storm of thousands costs a few dozen
    /// hops, not thousands.
    private func nextBacklogChunk() -> ArraySlice<ExpirationQueue.Entry> {
        guard !stopped, backlogHead < backlog.count else {
            activeResolvers -= 1
            checkIdle()
            return []
        }
        let end = min(backlog.count, backlogHead + Self.resolverChunk)
        let chunk = backlog[backlogHead..<end]
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

    static let resolverChunk = 64

    private nonisolated func runResolver() async {
        while true {
            let chunk = await nextBacklogChunk()
            if chunk.isEmpty { return }
            var loaded: [(ExpirationQueue.Entry, LeaseEntry?)] = []
            var failed: [String] = []
            loaded.reserveCapacity(chunk.count)
            for entry in chunk {
                do {
                    loaded.append((entry, try await store.load(entry.id)))
                } catch {
                    failed.append(entry.id)  // storage trouble: retried after the first back-off step
                }
            }
            await route(loaded, retry: failed)
        }
    }

    private func route(_ loaded: [(ExpirationQueue.Entry, LeaseEntry?)], retry failed: [String]) {
        for (entry, lease) in loaded { route(entry, lease: lease) }
        for id in failed { retryLater(id) }
    }

    func retryLater(_ id: String) {
        let retry = clock.now.addingTimeInterval(configuration.retryPolicy.delay(afterAttempts: 1))
        if release(id, reschedule: milliseconds(retry)) {
            Task(priority: configuration.revocationPriority) { try? await self.removeIfPresent(id) }
        }
    }

    func removeIfPresent(_ id: String) async throws {
        if let lease = try await store.load(id) { try await store.remove(lease) }
    }

    private func route(_ entry: ExpirationQueue.Entry, lease: LeaseEntry?) {
        let id = entry.id
        guard let lease else {
            // Revoked meanwhile, or a stale due key (restore race, crash between writes of an
            // older version): nothing to revoke, clean the key.
            _ = release(id, reschedule: nil)
            let staleKey = LeaseStorageLayout.due + LeaseStorageLayout.encodeDeadline(entry.deadline) + "/" + id
            Task(priority: configuration.revocationPriority) { try? await self.store.deleteKeys([staleKey]) }
            return
        }
        if dropped.contains(id) {
            Task(priority: configuration.revocationPriority) { await self.removeDropped(lease) }
            return
        }
        guard let scheduled = lease.scheduledTime else {
            _ = release(id, reschedule: nil)  // irrevocable: waits for an operator
            return
        }
        let scheduledMilliseconds = milliseconds(scheduled)
        if scheduledMilliseconds > milliseconds(clock.now) {
            _ = release(id, reschedule: scheduledMilliseconds)  // renewed since it was queued
            return
        }
        let mount = lease.mountAccessor
        var work = mountQueues[mount] ?? MountWorkQueue()
        if work.loadedCount < configuration.maxLoadedPerMount {
            work.items.append(.loaded(lease))
            work.loadedCount += 1
        } else {
            work.items.append(.id(id))
        }
        let startWorker = work.workers < configuration.revocationConcurrencyPerMount
        if startWorker { work.workers += 1 }
        mountQueues[mount] = work
        if startWorker {
            Task(priority: configuration.revocationPriority) { await self.runMountWorker(mount) }
        }
    }

    private nonisolated func removeDropped(_ lease: LeaseEntry) async {
        try? await store.remove(lease)
        _ = await release(lease.id, reschedule: nil)
    }
}
