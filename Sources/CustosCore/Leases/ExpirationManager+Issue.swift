import Foundation

/// Issuance: the write-ahead protocol and registering leases.
///
/// The request path, for an engine that creates something external:
/// `beginIssue(record)` -> engine creates it -> `completeIssue(lease)` (or `abandonIssue(id)` if
/// the engine failed). A crash anywhere in between leaves the record, which `restore()` rolls
/// back through the revoker.
extension ExpirationManager {
    package func beginIssue(_ record: PendingIssue) async throws {
        try LeaseID.validate(record.id)
        guard !stopped else { throw LeaseError(.unavailable, "the expiration manager is stopped") }
        localPending.insert(record.id)
        do {
            try await store.beginIssue(record)
        } catch {
            localPending.remove(record.id)
            throw error
        }
    }

    /// Stores the lease and removes its write-ahead record in one transaction, then schedules it.
    package func completeIssue(_ lease: LeaseEntry) async throws {
        try await register(lease)
    }

    package func abandonIssue(_ id: String) async throws {
        try LeaseID.validate(id)
        try await store.abandonIssue(id)
        localPending.remove(id)
    }

    /// Stores a new lease (removing a write-ahead record of the same id) and schedules its expiry.
    package func register(_ lease: LeaseEntry) async throws {
        try LeaseID.validate(lease.id)
        if let accessor = lease.tokenAccessor { try LeaseID.validateAccessor(accessor) }
        guard !stopped else { throw LeaseError(.unavailable, "the expiration manager is stopped") }
        try await store.create(lease)
        localPending.remove(lease.id)
        if let time = lease.scheduledTime, !claimed.contains(lease.id) {
            queue.schedule(lease.id, at: milliseconds(time))
            armTimer()
        }
    }
}
