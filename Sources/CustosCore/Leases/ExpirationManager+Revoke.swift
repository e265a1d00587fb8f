import Foundation

/// Outcome of revoking many leases (prefix, token).
package struct LeaseBatchRevocation: Sendable, Equatable {
    package var revoked: Int
    /// Leases another operation held (usually: already being revoked on expiry).
    package var skippedBusy: Int
    /// Ids whose engine call failed; they stay stored and scheduled, with `lastError` set.
    package var failed: [String]
}

/// Explicit revocation: one lease, a prefix, a token's leases, by force, irrevocable retries.
extension ExpirationManager {
    /// Revokes now through the engine; the lease is gone when this returns. An engine failure is
    /// recorded on the lease (`revocation.lastError`), which keeps its schedule, and thrown.
    package func revoke(_ id: String) async throws {
        try LeaseID.validate(id)
        try await revokeNow(id, requireIrrevocable: false)
    }

    /// Tries an irrevocable lease's revocation again, now: removed on success, otherwise still
    /// irrevocable with the new error (thrown).
    package func retryIrrevocable(_ id: String) async throws {
        try LeaseID.validate(id)
        try await revokeNow(id, requireIrrevocable: true)
    }

    private func revokeNow(_ id: String, requireIrrevocable: Bool) async throws {
        let queuedDeadline = try machine.claim(id)
        let lease: LeaseEntry
        do {
            guard let loaded = try await store.load(id) else {
                throw LeaseError(.notFound, "lease not found")
            }
            if requireIrrevocable && !loaded.irrevocable {
                throw LeaseError(.notIrrevocable, "lease \(id) is not irrevocable")
            }
            lease = loaded
        } catch {
            _ = release(id, reschedule: queuedDeadline)
            throw error
        }
        do {
            try await limiter.withPermit(mount: lease.mountAccessor) { try await revoker.revoke(lease) }
        } catch {
            let message = RevocationErrorMessage.describe(error)
            var updated = lease
            updated.revocation.lastError = message
            try? await store.update(updated, previous: lease)
            if release(id, reschedule: queuedDeadline) { try? await store.remove(updated) }
            throw LeaseError(.engineFailed, "failed to revoke lease \(id): \(message)")
        }
        do {
            try await store.remove(lease)
        } catch {
            _ = release(id, reschedule: queuedDeadline ?? milliseconds(clock.now))
            throw error
        }
        _ = release(id, reschedule: nil)
    }

    /// Revokes every lease under `prefix` (normalised to end with "/"), at most
    /// `batchRevokeConcurrency` at a time and within the per-mount bound.
    package func revokePrefix(_ prefix: String) async throws -> LeaseBatchRevocation {
        let normalized = try LeaseID.normalizedPrefix(prefix)
        return await revokeAll(try await store.ids(under: normalized))
    }

    /// Revokes every lease the token (by accessor) owns.
    package func revokeByToken(_ accessor: String) async throws -> LeaseBatchRevocation {
        try LeaseID.validateAccessor(accessor)
        let ids = try await store.ids(ofToken: accessor)
        let result = await revokeAll(ids)
        // Index entries whose lease is already gone (e.g. force-revoked) go too.
        let remaining = try await store.ids(ofToken: accessor)
        var stale: [String] = []
        for id in remaining where try await store.load(id) == nil {
            stale.append(LeaseStorageLayout.tokenKey(accessor, id))
        }
        try await store.deleteKeys(stale)
        return result
    }

    private func revokeAll(_ ids: [String]) async -> LeaseBatchRevocation {
        var result = LeaseBatchRevocation(revoked: 0, skippedBusy: 0, failed: [])
        await withTaskGroup(of: (String, LeaseError.Code?).self) { group in
            var next = 0
            func addNext() {
                guard next < ids.count else { return }
                let id = ids[next]
                next += 1
                group.addTask {
                    do {
                        try await self.revokeNow(id, requireIrrevocable: false)
                        return (id, nil)
                    } catch let error as LeaseError {
                        return (id, error.code)
                    } catch {
                        return (id, .engineFailed)
                    }
                }
            }
            for _ in 0..<configuration.batchRevokeConcurrency { addNext() }
            while let (id, code) = await group.next() {
                switch code {
                case nil: result.revoked += 1
                case .busy: result.skippedBusy += 1
                case .notFound: break  // revoked meanwhile
                default: result.failed.append(id)
                }
                addNext()
            }
        }
        return result
    }

    /// Drops every lease under `prefix` without asking the engine (sudo in the API): for
    /// credentials known to be gone, or an engine that will never answer. Returns how many.
    package func revokeForce(_ prefix: String) async throws -> Int {
        let normalized = try LeaseID.normalizedPrefix(prefix)
        var count = 0
        for id in try await store.ids(under: normalized) {
            if machine.dropIfClaimed(id) {
                count += 1  // the holder deletes it when done
                continue
            }
            _ = try machine.claim(id)
            do {
                if let lease = try await store.load(id) {
                    try await store.remove(lease)
                    count += 1
                }
            } catch {
                _ = release(id, reschedule: nil)
                try? await reschedule(id)
                throw error
            }
            _ = release(id, reschedule: nil)
        }
        return count
    }

    /// Puts a stored lease back in the queue at its scheduled time.
    func reschedule(_ id: String) async throws {
        guard let lease = try await store.load(id), let time = lease.scheduledTime else { return }
        schedule(id, at: time)
    }
}
