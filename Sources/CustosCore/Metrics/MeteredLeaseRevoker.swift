/// Counts every revocation the expiration manager asks for (on expiry, explicit, by prefix or by
/// token: all go through the revoker), and every failure, by the lease's mount path.
struct MeteredLeaseRevoker: LeaseRevoker {
    let base: any LeaseRevoker
    let metrics: CustosMetrics
    /// The mount path label of a lease (its mount may be gone: then a fixed label).
    let mountLabel: @Sendable (LeaseEntry) -> String

    func revoke(_ lease: LeaseEntry) async throws {
        do {
            try await base.revoke(lease)
        } catch {
            metrics.leaseRevocationFailed(mount: mountLabel(lease))
            throw error
        }
        metrics.leaseRevoked(mount: mountLabel(lease))
    }

    func renew(_ lease: LeaseEntry, ttl: VaultDuration) async throws {
        try await base.renew(lease, ttl: ttl)
    }
}
