import Foundation

/// The `sys/` paths. One file per path family, like Vault's `logical/system_*.go`:
/// seal (`SystemBackend+Seal`), mounts (`SystemBackend+Mounts`), keys (`SystemBackend+Keys`),
/// policies (`SystemBackend+Policies`), capabilities (`SystemBackend+Capabilities`).
struct SystemBackend {
    let core: Core

    /// Paths that work sealed and without a token.
    func handleUnauthenticated(_ request: LogicalRequest) async throws -> LogicalResponse {
        switch request.path {
        case "sys/init": return try await initPath(request)
        case "sys/unseal": return try await unsealPath(request)
        case "sys/seal-status":
            try Self.require(request, [.read])
            return LogicalResponse(data: try await core.sealStatus(), shape: .bare)
        case "sys/health": return try await healthPath(request)
        case "sys/leader": return try await leaderPath(request)
        default: throw CustosError.unsupportedPath(request.path)
        }
    }

    func handle(_ request: LogicalRequest, caller: RequestCaller, runtime: Runtime) async throws -> LogicalResponse {
        let relative = String(request.path.dropFirst(min(Self.mount.path.count, request.path.count)))
        let table = paths(caller: caller, runtime: runtime)
        guard table.route(relative) != nil else { throw Self.noRoute(request.path) }
        return try await table.handle(EngineRequest(
            operation: request.operation, path: relative, mount: Self.mount, request: request, caller: caller))
    }

    /// 405 for an operation a path does not serve.
    static func require(_ request: LogicalRequest, _ allowed: Set<LogicalOperation>) throws(CustosError) {
        guard allowed.contains(request.operation) else { throw CustosError.unsupportedOperation() }
    }
}
