package import Foundation

package enum LeaseChange: Sendable, Equatable {
    case update(LeaseEntry, previous: LeaseEntry)
    case remove(LeaseEntry)
}

/// Leases, their indexes and write-ahead records in a `StorageBackend` (the barrier in
/// production), laid out as `LeaseStorageLayout` describes. Every change to a lease writes the
/// lease and its indexes in one transaction; writes go through a `StorageWriteBatcher`.
package struct LeaseStore: Sendable {
    package let backend: any StorageBackend
    /// Request-path writes (issue, renew, explicit revoke).
    private let writer: StorageWriteBatcher
    /// Expiry workers' writes, batched separately so a revocation storm's commits (flushed at
    /// background priority) never queue request-path writes behind them in one batcher.
    private let backgroundWriter: StorageWriteBatcher

    package init(backend: any StorageBackend) {
        self.backend = backend
        self.writer = StorageWriteBatcher(backend: backend)
        self.backgroundWriter = StorageWriteBatcher(backend: backend)
    }

    // MARK: Leases

    package func load(_ id: String) async throws -> LeaseEntry? {
        guard let data = try await backend.get(LeaseStorageLayout.leaseKey(id)) else { return nil }
        return try LeaseCoding.decoder.decode(LeaseEntry.self, from: data)
    }

    /// Stores a new lease with its indexes, removing the write-ahead record of the same id.
    package func create(_ lease: LeaseEntry) async throws {
        var operations = try writeOperations(lease)
        if let accessor = lease.tokenAccessor {
            operations.append(.put(LeaseStorageLayout.tokenKey(accessor, lease.id), Data()))
        }
        operations.append(.delete(LeaseStorageLayout.pendingKey(lease.id)))
        try await writer.write(operations)
    }

    /// Rewrites `lease`, moving its due/irrevocable marker from where `previous` had it.
    package func update(_ lease: LeaseEntry, previous: LeaseEntry) async throws {
        try await apply([.update(lease, previous: previous)])
    }

    /// Deletes the lease and every index entry pointing at it.
    package func remove(_ lease: LeaseEntry) async throws {
        try await apply([.remove(lease)])
    }

    /// Several changes in one transaction; `background` for the expiry workers' results.
    package func apply(_ changes: [LeaseChange], background: Bool = false) async throws {
        var operations: [StorageOperation] = []
        for change in changes {
            switch change {
            case .update(let lease, let previous):
                let oldKey = LeaseStorageLayout.scheduleKey(of: previous)
                if oldKey != LeaseStorageLayout.scheduleKey(of: lease) {
                    operations.append(.delete(oldKey))
                }
                operations += try writeOperations(lease)
            case .remove(let lease):
                operations.append(.delete(LeaseStorageLayout.leaseKey(lease.id)))
                operations.append(.delete(LeaseStorageLayout.scheduleKey(of: lease)))
                if let accessor = lease.tokenAccessor {
                    operations.append(.delete(LeaseStorageLayout.tokenKey(accessor, lease.id)))
                }
            }
        }
        try await (background ? backgroundWriter : writer).write(operations)
    }

    /// Removes index keys directly (tidy, stale due entries).
    package func deleteKeys(_ keys: [String]) async throws {
        try await writer.write(keys.map { .delete($0) })
    }

    private func writeOperations(_ lease: LeaseEntry) throws -> [StorageOperation] {
        [
            .put(LeaseStorageLayout.leaseKey(lease.id), try LeaseCoding.encoder.encode(lease)),
            .put(LeaseStorageLayout.scheduleKey(of: lease), Data()),
        ]
    }

    // MARK: Listing

    /// Direct children of `prefix` (normalised, "" for the top): ids and "folder/" names.
    package func list(prefix: String) async throws -> [String] {
        try await backend.list(prefix: LeaseStorageLayout.leases + prefix)
    }

    /// Every lease id under `prefix`, recursively.
    package func ids(under prefix: String) async throws -> [String] {
        try await backend.scan(prefix: LeaseStorageLayout.leases + prefix).map { prefix + $0 }
    }

    package func ids(ofToken accessor: String) async throws -> [String] {
        try await backend.scan(prefix: LeaseStorageLayout.tokenPrefix(accessor))
    }

    package func irrevocableIDs() async throws -> [String] {
        try await backend.scan(prefix: LeaseStorageLayout.irrevocable)
    }

    /// The on-disk expiry queue: every scheduled lease's next action time (ms) and id, read
    /// from keys alone. Unparseable keys are skipped (tidy removes them).
    package func dueEntries() async throws -> [ExpirationQueue.Entry] {
        let keys = try await backend.scan(prefix: LeaseStorageLayout.due)
        var entries: [ExpirationQueue.Entry] = []
        entries.reserveCapacity(keys.count)
        for key in keys {
            if let (milliseconds, id) = LeaseStorageLayout.parseDueKey(key) {
                entries.append(ExpirationQueue.Entry(deadline: milliseconds, id: id))
            }
        }
        return entries
    }

    /// Raw relative due keys, for tidy.
    package func dueKeys() async throws -> [String] {
        try await backend.scan(prefix: LeaseStorageLayout.due)
    }

    // MARK: Write-ahead records

    package func beginIssue(_ record: PendingIssue) async throws {
        try await writer.write([
            .put(LeaseStorageLayout.pendingKey(record.id), try LeaseCoding.encoder.encode(record))
        ])
    }

    package func pendingRecords() async throws -> [PendingIssue] {
        var records: [PendingIssue] = []
        for id in try await backend.scan(prefix: LeaseStorageLayout.pending) {
            guard let data = try await backend.get(LeaseStorageLayout.pendingKey(id)) else { continue }
            records.append(try LeaseCoding.decoder.decode(PendingIssue.self, from: data))
        }
        return records
    }

    /// Replaces a write-ahead record by an expired lease built from it, in one transaction, so
    /// the rollback goes through the normal revocation machinery (retries, irrevocable).
    package func convertPending(_ record: PendingIssue, now: Date) async throws -> LeaseEntry {
        let lease = record.asLease(expiringAt: now)
        var operations = try writeOperations(lease)
        operations.append(.delete(LeaseStorageLayout.pendingKey(record.id)))
        try await writer.write(operations)
        return lease
    }
}

/// One JSON configuration for everything the lease store writes.
enum LeaseCoding {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()
    static let decoder = JSONDecoder()
}
