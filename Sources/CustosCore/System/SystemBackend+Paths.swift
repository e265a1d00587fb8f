/// The system backend's path table, with each path's auth class as Vault declares it
/// (`PathsSpecial` of its system backend, and the HTTP handlers it serves without a token).
/// Each family's handler lives in its own file (`SystemBackend+Policies`, `+Leases`, ...) and
/// checks the operation itself (405 with Vault's message when it does not serve it).
extension SystemBackend {
    typealias FamilyHandler = @Sendable (SystemBackend, BuiltinCall) async throws -> LogicalResponse?

    static let paths = EnginePathTable(unauthenticatedPaths + policyPaths + mountAndKeyPaths + leasePaths + unservedSudoPaths)

    /// Served sealed, uninitialised and without a token.
    private static let unauthenticatedPaths: [EnginePath] = [
        unauthenticated("init", "Initialise the server.") { try await $0.initPath($1) },
        unauthenticated("unseal", "Submit an unseal key share.") { try await $0.unsealPath($1) },
        unauthenticated("seal-status", "The seal state.") { system, request in
            try Self.require(request, [.read])
            return LogicalResponse(data: try await system.core.sealStatus(), shape: .bare)
        },
        unauthenticated("health", "Health, for load balancers.") { try await $0.healthPath($1) },
        unauthenticated("leader", "HA leadership (none).") { try await $0.leaderPath($1) },
    ]

    private static let policyPaths: [EnginePath] = [
        family("policies/acl/{name*}", "ACL policies.", exists: policyExists) { try await $0.policyPath($1.request, policies: $1.runtime.policies) },
        family("policy/{name*}", "ACL policies (the legacy path).", exists: policyExists) {
            try await $0.policyPath($1.request, policies: $1.runtime.policies)
        },
        family("policies/password/{name*}", "Password policies and passwords generated from them.") { try await $0.passwordPolicyPath($1.request) },
        family("capabilities", "A token's capabilities on paths.", capabilities),
        family("capabilities-self", "The calling token's capabilities on paths.", capabilities),
        family("capabilities-accessor", "The capabilities on paths of the token behind an accessor.", capabilities),
    ]

    private static let mountAndKeyPaths: [EnginePath] = [
        family("seal", "Seal the server.", auth: .sudo) { system, call in
            try Self.require(call.request, [.update, .create])
            await system.core.sealNow()
            return .noContent
        },
        family("mounts", "The mounted secrets engines.") { system, call in
            try Self.require(call.request, [.read])
            return system.listMounts(call.runtime)
        },
        family("mounts/{path*}", "Mount, read, tune and unmount secrets engines.") { system, call in
            let rest = String(call.request.path.dropFirst("sys/mounts/".count))
            if rest.hasSuffix("/tune") { return try await system.tuneMount(String(rest.dropLast("/tune".count)), call.request) }
            return try await system.mountPath(rest, call.request)
        },
        family("rotate", "Add a new term to the barrier's keyring.", auth: .sudo) { system, call in
            try Self.require(call.request, [.update, .create])
            _ = try await system.core.barrier.rotate()
            return .noContent
        },
        family("key-status", "The barrier's active key term.") { system, call in
            try Self.require(call.request, [.read])
            return try system.keyStatus()
        },
        family("auth", "The auth methods (the token store).") { try $0.listAuthMethods($1.request, $1.runtime) },
        family("auth/{rest*}", "Read, tune, enable and disable auth methods.", auth: .sudo) { system, call in
            try await system.authMethodPath(String(call.request.path.dropFirst("sys/auth/".count)), call.request, call.runtime)
        },
        family("audit", "The enabled audit devices.", auth: .sudo) { try await $0.listAuditDevices($1.request) },
        family("audit/{path*}", "Enable and disable audit devices.", auth: .sudo) { try await $0.auditDevicePath($1.request) },
        family("audit-hash/{path*}", "The HMAC of a value as an audit device logs it.") { try await $0.auditHashPath($1.request) },
        family("internal/ui/mounts/{path*}", "A mount's type and options, for a token that may use it.", auth: .openToEveryToken) { system, call in
            try Self.require(call.request, [.read])
            return try system.uiMount(String(call.request.path.dropFirst("sys/internal/ui/mounts/".count)), call.runtime, caller: call.caller)
        },
    ]

    /// Listing and revoking by prefix and the irrevocable leases need sudo; looking up,
    /// renewing and revoking one lease do not.
    private static let leasePaths: [EnginePath] = [
        family("leases", "Irrevocable leases.", auth: .sudo, leases),
        family("leases/count", "The number of leases.", auth: .sudo, leases),
    ] + sudoBelow("leases/lookup", "Lease lookup; listing below it.", leases)
        + sudoBelow("leases/revoke-prefix", "Revocation by prefix.", leases)
        + sudoBelow("leases/revoke-force", "Forced revocation by prefix.", leases)
        + [
            family("leases/{rest*}", "Lease renewal, revocation and tidy.", leases),
            family("renew/{rest*}", "Lease renewal (the legacy path).", leases),
            family("revoke/{rest*}", "Lease revocation (the legacy path).", leases),
        ]
        + sudoBelow("revoke-prefix", "Revocation by prefix (the legacy path).", leases)
        + sudoBelow("revoke-force", "Forced revocation by prefix (the legacy path).", leases)

    /// Paths Custos does not serve (404) that Vault protects with sudo: a token without it is
    /// refused (403) first, as in Vault.
    private static let unservedSudoPaths: [EnginePath] = [
        family("remount", "Not served.", auth: .sudo, unserved),
        family("rotate/config", "Not served.", auth: .sudo, unserved),
        family("raw/{path*}", "Not served (also `raw` itself).", auth: .sudo, unserved),
        family("step-down", "Not served.", auth: .sudo, unserved),
        family("config/cors", "Not served.", auth: .sudo, unserved),
        family("internal/counters/activity/export", "Not served.", auth: .sudo, unserved),
    ] + sudoBelow("config/auditing", "Not served.", unserved)
        + sudoBelow("config/ui/headers", "Not served.", unserved)
        + sudoBelow("storage/raft/snapshot-auto/config", "Not served.", unserved)
        + sudoBelow("internal/inspect", "Not served.", unserved)

    private static let capabilities: FamilyHandler = { try await $0.capabilitiesPath($1.request, caller: $1.caller, runtime: $1.runtime) }
    private static let leases: FamilyHandler = { try await $0.leasePath($1.request, caller: $1.caller, runtime: $1.runtime) }
    private static let unserved: FamilyHandler = { _, _ in nil }

    /// Vault's existence check for policies: writing one that does not exist needs `create`.
    private static let policyExists: @Sendable (EngineRequest, EnginePathMatch) async throws -> Bool = { request, match in
        let name = match["name"]
        guard !name.isEmpty else { return true }
        guard let policies = request.runtime?.policies else { throw CustosError(.internal, "internal error") }
        return try await policies.policy(named: name) != nil
    }

    /// A family served by one handler for every operation; nil from it means "no such path".
    private static func family(
        _ pattern: String, _ help: String, auth: PathAuthClass = .acl,
        exists: (@Sendable (EngineRequest, EnginePathMatch) async throws -> Bool)? = nil,
        _ handler: @escaping FamilyHandler
    ) -> EnginePath {
        EnginePath(pattern, help: help, auth: auth, everyOperation: { request, _ in
            let call = try BuiltinCall(request)
            guard let response = try await handler(SystemBackend(core: call.core), call) else { throw noRoute(call.request.path) }
            return response
        }, exists: exists)
    }

    /// `parent` as an ordinary path and everything below `parent/` (`parent/` itself included)
    /// sudo-protected: Vault's `parent/*` root paths.
    private static func sudoBelow(_ parent: String, _ help: String, _ handler: @escaping FamilyHandler) -> [EnginePath] {
        [family(parent, help, handler), family(parent + "/{rest*}", help, auth: .sudo, handler)]
    }

    private static func unauthenticated(
        _ pattern: String, _ help: String, _ handler: @escaping @Sendable (SystemBackend, LogicalRequest) async throws -> LogicalResponse
    ) -> EnginePath {
        EnginePath(pattern, help: help, auth: .unauthenticated, everyOperation: { request, _ in
            guard let core = request.core else { throw CustosError(.internal, "internal error") }
            return try await handler(SystemBackend(core: core), request.request)
        })
    }
}
