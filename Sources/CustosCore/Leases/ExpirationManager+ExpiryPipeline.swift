import Foundation

/// The expiry pipeline's I/O, run as child tasks for the state machine's `load`, `revoke` and
/// `persist` actions; each reports its result back as the machine's next event.
extension ExpirationManager {
    /// Reads a chunk of due leases (to learn their mount).
    nonisolated func load(_ entries: [ExpirationQueue.Entry]) async {
        var leases: [(entry: ExpirationQueue.Entry, lease: LeaseEntry?)] = []
        var unreadable: [String] = []
        leases.reserveCapacity(entries.count)
        for entry in entries {
            do {
                leases.append((entry, try await store.load(entry.id)))
            } catch {
                unreadable.append(entry.id)
            }
        }
        await loaded(leases, unreadable: unreadable)
    }

    private func loaded(_ leases: [(entry: ExpirationQueue.Entry, lease: LeaseEntry?)], unreadable: [String]) {
        perform(machine.loaded(leases, unreadable: unreadable, now: clock.now))
    }

    /// Calls the engine for each lease of a chunk, under the mount's permit.
    nonisolated func revoke(_ items: [MountWorkQueue.Item], on mount: String) async {
        var results: [RevocationResult] = []
        results.reserveCapacity(items.count)
        for item in items {
            let lease: LeaseEntry
            switch item {
            case .loaded(let loaded):
                lease = loaded
            case .id(let id):
                do {
                    guard let loaded = try await store.load(id) else {
                        results.append(.gone(id))
                        continue
                    }
                    lease = loaded
                } catch {
                    results.append(.unreadable(id))
                    continue
                }
            }
            do {
                try await limiter.withPermit(mount: mount) { try await revoker.revoke(lease) }
                results.append(.revoked(lease))
            } catch where Task.isCancelled {
                results.append(.interrupted(lease.id))
            } catch {
                results.append(.failed(lease, message: RevocationErrorMessage.describe(error)))
            }
        }
        await revocationsFinished(mount: mount, results)
    }

    private func revocationsFinished(mount: String, _ results: [RevocationResult]) {
        perform(machine.revocationsFinished(mount: mount, results, now: clock.now))
    }

    /// Stores a chunk's results in one write.
    nonisolated func persist(_ commit: RevocationCommit) async {
        let succeeded: Bool
        do {
            try await store.apply(commit.changes, background: true)
            succeeded = true
        } catch {
            succeeded = false
        }
        await committed(commit, succeeded: succeeded)
    }

    private func committed(_ commit: RevocationCommit, succeeded: Bool) {
        perform(machine.committed(commit, succeeded: succeeded, now: clock.now))
    }
}
