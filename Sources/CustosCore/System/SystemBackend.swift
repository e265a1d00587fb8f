import Foundation
import Synchronization

/// The `sys/` backend, mounted at `sys/` like any engine and routed through its path table
/// (`SystemBackend+Paths`). One file per path family, like Vault's `logical/system_*.go`:
/// seal (`SystemBackend+Seal`), mounts (`SystemBackend+Mounts`), keys (`SystemBackend+Keys`),
/// policies (`SystemBackend+Policies`), capabilities (`SystemBackend+Capabilities`).
struct SystemBackend: SecretsEngine {
    let core: Core

    /// The system backend's mount, listed by `sys/mounts` like any other, as Vault does.
    static let mount: MountEntry = {
        var entry = MountEntry(path: "sys/", type: "system", description: "system endpoints used for control, policy and debugging")
        entry.uuid = "system"
        entry.accessor = "system"
        return entry
    }()

    /// The table: the built-in paths and those the server's assembler installed.
    private var table: EnginePathTable { core.systemPaths.withLock { $0 } }

    func handle(_ request: EngineRequest) async throws -> LogicalResponse {
        let table = table
        guard table.route(request.path) != nil else { throw Self.noRoute(request.request.path) }
        return try await table.handle(request)
    }

    func exists(_ request: EngineRequest) async throws -> Bool? {
        try await table.exists(request)
    }

    func authClass(for path: String) -> PathAuthClass {
        table.authClass(for: path)
    }

    /// 405 for an operation a path does not serve.
    static func require(_ request: LogicalRequest, _ allowed: Set<LogicalOperation>) throws(CustosError) {
        guard allowed.contains(request.operation) else { throw CustosError.unsupportedOperation() }
    }

    static func noRoute(_ path: String) -> CustosError {
        CustosError(.notFound, "no handler for route \"\(path)\". route entry not found.")
    }
}
