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
        let path = request.path
        if let response = try await policyPath(request, policies: runtime.policies) { return response }
        if let response = try await capabilitiesPath(request, caller: caller, runtime: runtime) { return response }
        if let response = try await passwordPolicyPath(request) { return response }
        switch path {
        case "sys/seal":
            try Self.require(request, [.update, .create])
            await core.sealNow()
            return .noContent
        case "sys/mounts":
            try Self.require(request, [.read])
            return listMounts(runtime)
        case "sys/rotate":
            try Self.require(request, [.update, .create])
            _ = try await core.barrier.rotate()
            return .noContent
        case "sys/key-status":
            try Self.require(request, [.read])
            return try keyStatus()
        default:
            break
        }
        if path.hasPrefix("sys/mounts/") {
            let rest = String(path.dropFirst("sys/mounts/".count))
            if rest.hasSuffix("/tune") {
                return try await tuneMount(String(rest.dropLast("/tune".count)), request)
            }
            return try await mountPath(rest, request)
        }
        if let response = try await leasePath(request, caller: caller, runtime: runtime) { return response }
        if path.hasPrefix("sys/internal/ui/mounts/") {
            try Self.require(request, [.read])
            return try uiMount(String(path.dropFirst("sys/internal/ui/mounts/".count)), runtime, caller: caller)
        }
        throw CustosError(.notFound, "no handler for route \"\(path)\". route entry not found.")
    }

    /// 405 for an operation a path does not serve.
    static func require(_ request: LogicalRequest, _ allowed: Set<LogicalOperation>) throws(CustosError) {
        guard allowed.contains(request.operation) else { throw CustosError.unsupportedOperation() }
    }
}
