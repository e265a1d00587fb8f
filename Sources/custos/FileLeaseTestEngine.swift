import CustosCore
import Foundation

/// TEST ONLY. A secrets engine whose "external objects" are files in the directory given at
/// mount time (`options.directory`): `creds/<role>` (read or write, `ttl`/`max_ttl`/`renewable`)
/// creates one file through the crash-safe issue API and leases it; revoking the lease deletes
/// the file. The file is named by the last segment of its lease id, so a test can match files
/// and leases. End-to-end tests use it to check that a `kill -9` leaves no file without a lease.
/// Mountable only when the server runs with `CUSTOS_ENABLE_TEST_ENGINES=1`.
struct FileLeaseTestEngine: SecretsEngine {
    static let type = SecretsEngineType(
        name: "test-file-lease",
        validateOptions: { options throws(CustosError) in
            guard let directory = options["directory"], directory.hasPrefix("/") else {
                throw CustosError.badRequest("options.directory (an absolute path) is required")
            }
        },
        make: { context in
            FileLeaseTestEngine(directory: URL(fileURLWithPath: context.mount.options["directory"] ?? "/nonexistent"), context: context)
        })

    let directory: URL
    let context: EngineContext

    struct Parameters: Decodable {
        var ttl: VaultDuration?
        var maxTtl: VaultDuration?  // `max_ttl`: bodies are decoded from snake_case
        var renewable: VaultBool?
    }

    func handle(_ request: EngineRequest) async throws -> LogicalResponse {
        guard request.path.hasPrefix("creds/"), [.read, .update, .create].contains(request.operation) else {
            throw CustosError(.notFound, "no handler for route \"\(request.mount.path)\(request.path)\"")
        }
        let parameters = try request.decode(Parameters.self)
        let ticket = try await context.leases.beginIssue(for: request, keeping: ["kind": "file"])
        let name = Self.fileName(leaseID: ticket.leaseID)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // Not `FileManager.createFile`: it writes a temporary file and renames it, which a
        // `kill -9` can leave behind under another name.
        try Data().write(to: directory.appendingPathComponent(name))
        return LogicalResponse(
            data: ["file": name],
            secret: try ResponseSecret(
                ttl: parameters.ttl, maxTTL: parameters.maxTtl, renewable: parameters.renewable?.value ?? true,
                keeping: ["kind": "file"], ticket: ticket))
    }

    func revoke(_ lease: LeaseEntry) async throws {
        let path = directory.appendingPathComponent(Self.fileName(leaseID: lease.id)).path
        guard FileManager.default.fileExists(atPath: path) else { return }  // idempotent
        try FileManager.default.removeItem(atPath: path)
    }

    func renew(_ lease: LeaseEntry, ttl: VaultDuration) async throws {}

    static func fileName(leaseID: String) -> String {
        String(leaseID.split(separator: "/").last ?? "")
    }
}
