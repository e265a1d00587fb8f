import CustosCore
import CustosJSON
import Foundation
import Logging

/// Time from the last unseal key to serving, through the whole core, with `size` leases stored:
/// a core is initialised over a fresh SQLite file, the leases are written through its barrier,
/// then a second core over the same file (a restart) is unsealed and asked for `sys/mounts`
/// with the root token. The lease restore runs in the background; its end is measured too.
struct UnsealBenchRun {
    let size: Int
    let path: String

    /// A mount type whose engine does nothing: the leases are not due, nothing is revoked.
    static let engineType = SecretsEngineType(name: "bench") { _ in NoopEngine() }

    struct NoopEngine: SecretsEngine {
        func handle(_ request: EngineRequest) async throws -> LogicalResponse { .noContent }
    }

    func run() async throws -> String {
        var logger = Logger(label: "lease-bench")
        logger.logLevel = .error
        let first = Core(physical: try SQLiteStorage(path: path), settings: CoreSettings(), engineTypes: [Self.engineType], logger: logger)
        let mount = MountEntry(path: "database/", type: "bench")
        let initialised = try await first.initialize(shares: 1, threshold: 1, initialMounts: [mount])
        try await first.submitUnsealKey(initialised.keys[0])
        let populateStart = ContinuousClock.now
        try await StoredLeases.write(size, to: first.storage(prefix: ""), mountAccessor: mount.accessor)
        let populated = (ContinuousClock.now - populateStart).seconds
        await first.sealNow()

        // The restart: a new core over the same file, sealed until the key arrives.
        let core = Core(physical: try SQLiteStorage(path: path), settings: CoreSettings(), engineTypes: [Self.engineType], logger: logger)
        let rssBefore = ProcessMemory.residentBytes()
        let start = ContinuousClock.now
        try await core.submitUnsealKey(initialised.keys[0])
        let unsealed = ContinuousClock.now - start
        _ = try await core.handle(LogicalRequest(operation: .read, path: "sys/mounts", clientToken: initialised.rootToken))
        let serving = ContinuousClock.now - start
        guard let manager = core.expirationManager else { throw CustosError.sealed }
        let restored = try await manager.waitForRestore()
        let restoreDone = ContinuousClock.now - start
        let rssAfter = ProcessMemory.residentBytes()
        await core.sealNow()
        return """
            \(size) leases stored (written through the barrier in \(format(populated)) s):
              unseal to serving: \(format(serving.seconds * 1000)) ms (unseal call \(format(unsealed.seconds * 1000)) ms); \
            restore of \(restored.queued) leases done \(format(restoreDone.seconds)) s after unseal
              resident: \(ProcessMemory.mebibytes(rssBefore)) MiB before unseal, \(ProcessMemory.mebibytes(rssAfter)) MiB after restore
            """
    }
}

/// Leases as a previous server run leaves them: `size` leases expiring in 1-2 days, written
/// straight through the storage in big transactions (lease record + due-time key each).
enum StoredLeases {
    static func write(_ size: Int, to storage: any StorageBackend, mountAccessor: String) async throws {
        let encoder = JSONEncoder()
        let now = Date()
        let batch = 20_000
        var index = 0
        while index < size {
            var operations: [StorageOperation] = []
            operations.reserveCapacity(batch * 2)
            for offset in index..<min(index + batch, size) {
                let lease = LeaseEntry(
                    id: "database/creds/role\(offset % 50)/\(BenchIDs.random(offset))",
                    issueTime: now, expireTime: now.addingTimeInterval(86_400 + Double(offset % 86_400)),
                    renewable: true, tokenAccessor: nil, mountAccessor: mountAccessor,
                    secretData: ["username": .string("v-token-role-\(offset)")])
                operations.append(.put(LeaseStorageLayout.leaseKey(lease.id), try encoder.encode(lease)))
                operations.append(.put(LeaseStorageLayout.dueKey(lease.id, at: lease.expireTime), Data()))
            }
            try await storage.transaction(operations)
            index += batch
        }
    }
}
