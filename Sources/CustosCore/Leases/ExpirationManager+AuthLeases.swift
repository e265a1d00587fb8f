package import Foundation

/// Leases whose end is decided outside the manager: a token's own lease (`auth/token/...`) is
/// moved when the token is renewed and dropped when the token is revoked by other means (the
/// token store already revoked it, so the revoker must not be asked again).
extension ExpirationManager {
    /// Moves a lease's expiry to `expireTime` (a token renewal). Throws `notFound` when there is
    /// no such lease and `busy` when it is being revoked right now.
    package func extend(_ id: String, to expireTime: Date) async throws {
        try LeaseID.validate(id)
        let queuedDeadline = try machine.claim(id)
        let updated: LeaseEntry
        do {
            guard let lease = try await store.load(id) else { throw LeaseError(.notFound, "lease not found") }
            var renewed = lease
            renewed.expireTime = expireTime
            renewed.lastRenewalTime = clock.now
            try await store.update(renewed, previous: lease)
            updated = renewed
        } catch {
            if release(id, reschedule: queuedDeadline) { try? await removeIfPresent(id) }
            throw error
        }
        if release(id, reschedule: updated.scheduledTime.map(milliseconds)) {
            try? await store.remove(updated)  // forgotten meanwhile
        }
    }

    /// Removes a lease without calling the revoker, whose work is already done. A lease another
    /// operation holds is removed by that operation when it ends. Unknown ids are ignored.
    package func forget(_ id: String) async throws {
        try LeaseID.validate(id)
        if machine.dropIfClaimed(id) { return }
        let queuedDeadline = try machine.claim(id)
        do {
            if let lease = try await store.load(id) { try await store.remove(lease) }
        } catch {
            _ = release(id, reschedule: queuedDeadline)
            throw error
        }
        _ = release(id, reschedule: nil)
    }
}
