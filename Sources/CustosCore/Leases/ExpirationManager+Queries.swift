import Foundation

package struct LeaseCounts: Sendable, Equatable {
    package var leases: Int
    package var irrevocable: Int
}

/// What `tidy()` repaired.
package struct LeaseTidyReport: Sendable, Equatable {
    /// Due, irrevocable or token index keys pointing at no lease, deleted.
    package var staleIndexKeys: Int
    /// Leases with neither a due nor an irrevocable key (so never to be revoked), rescheduled.
    package var rescheduled: Int
}

/// Read-only views and maintenance.
extension ExpirationManager {
    package func lookup(_ id: String) async throws -> LeaseEntry? {
        try LeaseID.validate(id)
        return try await store.load(id)
    }

    /// LIST `sys/leases/lookup/<prefix>`: direct children, ids and "folder/" names.
    package func list(prefix: String) async throws -> [String] {
        try await store.list(prefix: try LeaseID.normalizedPrefix(prefix))
    }

    /// Every irrevocable lease with its last error (`sys/leases?type=irrevocable`).
    package func irrevocable() async throws -> [LeaseEntry] {
        var leases: [LeaseEntry] = []
        for id in try await store.irrevocableIDs() {
            if let lease = try await store.load(id) { leases.append(lease) }
        }
        return leases
    }

    /// Counts from storage (key-only scans).
    package func count() async throws -> LeaseCounts {
        LeaseCounts(
            leases: try await store.ids(under: "").count,
            irrevocable: try await store.irrevocableIDs().count)
    }

    /// Repairs the indexes: deletes index keys whose lease is gone and reschedules leases that
    /// lost their due key. (Token validity is the token store's business: it calls
    /// `revokeByToken` for tokens it removes.)
    package func tidy() async throws -> LeaseTidyReport {
        let leaseIDs = Set(try await store.ids(under: ""))
        var scheduledIDs = Set<String>()
        var staleKeys: [String] = []
        for key in try await store.dueKeys() {
            if let (_, id) = LeaseStorageLayout.parseDueKey(key), leaseIDs.contains(id) {
                scheduledIDs.insert(id)
            } else {
                staleKeys.append(LeaseStorageLayout.due + key)
            }
        }
        for id in try await store.irrevocableIDs() {
            if leaseIDs.contains(id) {
                scheduledIDs.insert(id)
            } else {
                staleKeys.append(LeaseStorageLayout.irrevocableKey(id))
            }
        }
        for key in try await store.backend.scan(prefix: LeaseStorageLayout.tokens) {
            guard let slash = key.firstIndex(of: "/") else { continue }
            if !leaseIDs.contains(String(key[key.index(after: slash)...])) {
                staleKeys.append(LeaseStorageLayout.tokens + key)
            }
        }
        for chunk in stride(from: 0, to: staleKeys.count, by: 1000) {
            try await store.deleteKeys(Array(staleKeys[chunk..<min(chunk + 1000, staleKeys.count)]))
        }
        var rescheduled = 0
        for id in leaseIDs where !scheduledIDs.contains(id) && !machine.claimed.contains(id) {
            try Task.checkCancellation()  // tidy runs in the background; a seal ends it
            guard let lease = try await store.load(id) else { continue }
            try await store.update(lease, previous: lease)  // rewrites the lease and its due key
            if let time = lease.scheduledTime { schedule(id, at: time) }
            rescheduled += 1
        }
        return LeaseTidyReport(staleIndexKeys: staleKeys.count, rescheduled: rescheduled)
    }
}
