import Foundation

/// Issuance: the write-ahead protocol and registering leases.
///
/// The request path, for an engine that creates something external: `beginIssue(record)` ->
/// engine creates it -> `register(lease)` under the record's id (or, if the engine failed, the
/// record registered as an expired lease, which revokes whatever was created). A crash anywhere
/// in between leaves the record, which `restore()` rolls back through the revoker.
extension ExpirationManager {
    package func beginIssue(_ record: PendingIssue) async throws {
        try LeaseID.validate(record.id)
        guard !machine.stopped else { throw LeaseError(.unavailable, "the expiration manager is stopped") }
        machine.beginPending(record.id)
        do {
            try await store.beginIssue(record)
        } catch {
            machine.endPending(record.id)
            throw error
        }
    }

    /// Stores a new lease (removing a write-ahead record of the same id) and schedules its expiry.
    package func register(_ lease: LeaseEntry) async throws {
        try LeaseID.validate(lease.id)
        if let accessor = lease.tokenAccessor { try LeaseID.validateAccessor(accessor) }
        guard !machine.stopped else { throw LeaseError(.unavailable, "the expiration manager is stopped") }
        try await store.create(lease)
        machine.endPending(lease.id)
        if let time = lease.scheduledTime { schedule(lease.id, at: time) }
    }
}
