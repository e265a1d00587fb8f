import Foundation

/// The result of a renewal, for the API's response (`lease_duration`, `warnings`).
package struct LeaseRenewal: Sendable, Equatable {
    package var lease: LeaseEntry
    package var grant: LeaseTTLGrant
}

extension ExpirationManager {
    /// Extends a lease by `increment` from now (nil or zero: its current TTL again), capped by
    /// `caps`; the engine extends the credential first. A capped grant says so (`grant.capped`,
    /// `grant.warning`) so the API can warn as Vault does.
    package func renew(_ id: String, increment: VaultDuration?, caps: LeaseTTLCaps) async throws -> LeaseRenewal {
        try LeaseID.validate(id)
        let queuedDeadline = try machine.claim(id)
        let outcome: Result<LeaseRenewal, any Error>
        do {
            outcome = .success(try await performRenewal(id, increment: increment, caps: caps))
        } catch {
            outcome = .failure(error)
        }
        switch outcome {
        case .success(let renewal):
            if release(id, reschedule: milliseconds(renewal.lease.expireTime)) {
                try? await store.remove(renewal.lease)  // force-revoked meanwhile
                throw LeaseError(.notFound, "lease not found")
            }
            return renewal
        case .failure(let error):
            if release(id, reschedule: queuedDeadline) {
                try? await removeIfPresent(id)
            }
            throw error
        }
    }

    /// Runs with the lease claimed and out of the queue.
    private func performRenewal(
        _ id: String, increment: VaultDuration?, caps: LeaseTTLCaps
    ) async throws -> LeaseRenewal {
        guard let lease = try await store.load(id) else {
            throw LeaseError(.notFound, "lease not found")
        }
        let now = clock.now
        guard lease.renewable, !lease.irrevocable else {
            throw LeaseError(.notRenewable, "lease is not renewable")
        }
        guard lease.expireTime > now, lease.revocation.attempts == 0 else {
            throw LeaseError(.notRenewable, "lease has expired and is being revoked")
        }
        let grant = caps.grant(requested: requestedTTL(increment, lease: lease), issueTime: lease.issueTime, now: now)
        do {
            try await revoker.renew(lease, ttl: grant.ttl)
        } catch {
            throw LeaseError(.engineFailed, "failed to renew lease \(id): \(RevocationErrorMessage.describe(error))")
        }
        var renewed = lease
        renewed.expireTime = now.addingTimeInterval(Double(grant.ttl.seconds))
        renewed.lastRenewalTime = now
        try await store.update(renewed, previous: lease)
        return LeaseRenewal(lease: renewed, grant: grant)
    }

    private func requestedTTL(_ increment: VaultDuration?, lease: LeaseEntry) -> VaultDuration {
        if let increment, increment.seconds > 0 { return increment }
        let start = lease.lastRenewalTime ?? lease.issueTime
        return VaultDuration(seconds: max(0, Int64(lease.expireTime.timeIntervalSince(start).rounded())))
    }
}
