/// The system backend's path table: routed like every engine's, through `EnginePathTable`. Each
/// family's handler lives in its own file (`SystemBackend+Policies`, `+Leases`, ...) and checks
/// the operation itself (405 with Vault's message when it does not serve it).
extension SystemBackend {
    static let mount = MountEntry(path: "sys/", type: "system", description: "system endpoints used for control, policy and debugging")

    func paths(caller: RequestCaller, runtime: Runtime) -> EnginePathTable {
        /// A family served by one handler, for every operation; nil from it means "no such path".
        func family(_ pattern: String, _ help: String, _ handler: @escaping @Sendable (LogicalRequest) async throws -> LogicalResponse?) -> EnginePath {
            let serve: EnginePath.Handler = { request, _ in
                guard let response = try await handler(request.request) else { throw Self.noRoute(request.request.path) }
                return response
            }
            return EnginePath(pattern, help: help, operations: Dictionary(uniqueKeysWithValues: LogicalOperation.allCases.map { ($0, serve) }))
        }
        let policies: @Sendable (LogicalRequest) async throws -> LogicalResponse? = { try await policyPath($0, policies: runtime.policies) }
        let capabilities: @Sendable (LogicalRequest) async throws -> LogicalResponse? = {
            try await capabilitiesPath($0, caller: caller, runtime: runtime)
        }
        let leases: @Sendable (LogicalRequest) async throws -> LogicalResponse? = { try await leasePath($0, caller: caller, runtime: runtime) }
        return EnginePathTable([
            family("policies/acl/{name*}", "ACL policies.", policies),
            family("policy/{name*}", "ACL policies (the legacy path).", policies),
            family("policies/password/{name*}", "Password policies and passwords generated from them.", passwordPolicyPath),
            family("capabilities", "A token's capabilities on paths.", capabilities),
            family("capabilities-self", "The calling token's capabilities on paths.", capabilities),
            family("capabilities-accessor", "The capabilities on paths of the token behind an accessor.", capabilities),
            family("seal", "Seal the server.") { request in
                try Self.require(request, [.update, .create])
                await core.sealNow()
                return .noContent
            },
            family("mounts", "The mounted secrets engines.") { request in
                try Self.require(request, [.read])
                return listMounts(runtime)
            },
            family("mounts/{path*}", "Mount, read, tune and unmount secrets engines.") { request in
                let rest = String(request.path.dropFirst("sys/mounts/".count))
                if rest.hasSuffix("/tune") { return try await tuneMount(String(rest.dropLast("/tune".count)), request) }
                return try await mountPath(rest, request)
            },
            family("rotate", "Add a new term to the barrier's keyring.") { request in
                try Self.require(request, [.update, .create])
                _ = try await core.barrier.rotate()
                return .noContent
            },
            family("key-status", "The barrier's active key term.") { request in
                try Self.require(request, [.read])
                return try keyStatus()
            },
            family("audit", "The enabled audit devices.", listAuditDevices),
            family("audit/{path*}", "Enable and disable audit devices.", auditDevicePath),
            family("audit-hash/{path*}", "The HMAC of a value as an audit device logs it.", auditHashPath),
            family("leases", "Irrevocable leases.", leases),
            family("leases/{rest*}", "Lease lookup, renewal, revocation and tidy.", leases),
            family("renew/{rest*}", "Lease renewal (the legacy path).", leases),
            family("revoke/{rest*}", "Lease revocation (the legacy path).", leases),
            family("revoke-prefix/{rest*}", "Revocation by prefix (the legacy path).", leases),
            family("revoke-force/{rest*}", "Forced revocation by prefix (the legacy path).", leases),
            family("internal/ui/mounts/{path*}", "A mount's type and options, for a token that may use it.") { request in
                try Self.require(request, [.read])
                return try uiMount(String(request.path.dropFirst("sys/internal/ui/mounts/".count)), runtime, caller: caller)
            },
        ])
    }

    static func noRoute(_ path: String) -> CustosError {
        CustosError(.notFound, "no handler for route \"\(path)\". route entry not found.")
    }
}
