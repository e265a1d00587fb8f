import CustosJSON
import Foundation
import Synchronization

/// Crash-safe issuance for an engine that creates something outside Custos (a database user, a
/// file): call `beginIssue` *before* creating it, then return a `ResponseSecret` with the ticket.
/// The core stores the lease under the ticket's id, which removes the write-ahead record in the
/// same transaction; if the engine throws or returns no secret for a ticket, the core rolls the
/// record back through the engine's `revoke` (so `revoke` must tolerate objects that were never
/// created). A crash in between leaves the record, which the next unseal rolls back.
package struct LeaseIssuer: Sendable {
    let manager: @Sendable () -> ExpirationManager?
    let clock: any CoreClock

    package init(manager: @escaping @Sendable () -> ExpirationManager?, clock: any CoreClock) {
        self.manager = manager
        self.clock = clock
    }

    /// For contexts without a core (unit tests of an engine alone): every issue is refused.
    package static let unavailable = LeaseIssuer(manager: { nil }, clock: SystemClock())

    /// Stores the write-ahead record with what the engine needs to undo the creation (its own
    /// `Codable` struct); the returned ticket goes into the `ResponseSecret` that completes it.
    package func beginIssue(for request: EngineRequest, keeping value: some Encodable) async throws -> IssueTicket {
        guard let manager = manager() else { throw CustosError.sealed }
        let id = LeaseID.generate(mountPath: request.mount.path, requestPath: request.path)
        let record = PendingIssue(
            id: id, mountAccessor: request.mount.accessor, tokenAccessor: request.caller.flatMap { $0.accessor.isEmpty ? nil : $0.accessor },
            createdTime: clock.now, secretData: try JSONValue(encoding: value))
        try await manager.beginIssue(record)
        request.issues.add(record)
        return IssueTicket(leaseID: id)
    }
}

extension LeaseIssuer {
    /// The mount's outstanding leases below `path` (relative to the mount), with their internal
    /// data: what an engine checks before it deletes something leases still depend on.
    package func leases(of mount: MountEntry, under path: String = "") async throws -> [LeaseEntry] {
        guard let manager = manager() else { throw CustosError.sealed }
        var found: [LeaseEntry] = []
        var folders = [mount.path + path]
        while let folder = folders.popLast() {
            for key in try await manager.list(prefix: folder) {
                if key.hasSuffix("/") {
                    folders.append(folder + key)
                } else if let lease = try await manager.lookup(folder + key) {
                    found.append(lease)
                }
            }
        }
        return found
    }

    /// Revokes a lease now (through the engine's `revoke`), as `sys/leases/revoke` does.
    package func revoke(_ id: String) async throws {
        guard let manager = manager() else { throw CustosError.sealed }
        try await manager.revoke(id)
    }
}

/// The write-ahead records one request began; the core reads them once the engine returns.
package final class PendingIssueTracker: Sendable {
    private let records = Mutex<[PendingIssue]>([])

    package init() {}

    func add(_ record: PendingIssue) { records.withLock { $0.append(record) } }

    /// Hands the records over (once).
    func take() -> [PendingIssue] { records.withLock { current in defer { current = [] }; return current } }
}
