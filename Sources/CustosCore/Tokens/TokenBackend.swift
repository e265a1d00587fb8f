import Foundation

/// The token store's handlers below `auth/token/`, as Vault serves them. One file per family:
/// creation (`+Create`), lookups (`+Lookup`), renewal and revocation (`+Lifecycle`).
struct TokenBackend {
    let core: Core
    let tokens: TokenStore
    let policies: PolicyStore
    let caller: RequestCaller
    /// What tokens get when they ask for nothing, and the most they get.
    let ttls: (defaultTTL: Int64, maxTTL: Int64)

    init(_ call: BuiltinCall) {
        (core, tokens, policies, caller) = (call.core, call.runtime.tokens, call.runtime.policies, call.caller)
        ttls = call.runtime.tokenTTLs(call.core.settings)
    }

    /// The body or query parameter `token`/`accessor`, required.
    static func requiredString(_ value: String?, name: String) throws(CustosError) -> String {
        guard let value, !value.isEmpty else { throw CustosError.badRequest(name == "token" ? "missing token ID" : "missing \(name)") }
        return value
    }
}

/// The token store, mounted at `auth/token/` like any backend, and its path table with each
/// path's auth class as Vault's token store declares it (`accessors*` needs sudo; `revoke-orphan`
/// and `no_parent` check sudo in their handlers).
struct TokenPaths: SecretsEngine {
    /// Where `sys/auth` lists it.
    static let methodPath = "token/"

    static let mount: MountEntry = {
        var entry = MountEntry(path: "auth/token/", type: "token", description: "token based credentials")
        entry.uuid = "token"
        entry.accessor = "token"
        return entry
    }()

    static let paths = EnginePathTable([
        path("create", "Create a child token.") { try await $0.create($1, orphan: false) },
        path("create-orphan", "Create an orphan token.") { try await $0.create($1, orphan: true) },
        path("lookup", "Look up a token.") { try await $0.lookup($1) },
        path("lookup-self", "Look up the calling token.") { try await $0.lookupSelf($1) },
        path("lookup-accessor", "Look up the token behind an accessor.") { try await $0.lookupAccessor($1) },
        path("accessors/", "List the accessors of every token.", auth: .sudo) { try await $0.listAccessors($1) },
        path("accessors/{rest*}", "Not served.", auth: .sudo) { _, request in
            throw CustosError(.notFound, "no handler for route \"\(request.path)\". route entry not found.")
        },
        path("renew", "Renew a token.") { try await $0.renew($1) },
        path("renew-self", "Renew the calling token.") { try await $0.renewSelf($1) },
        path("revoke", "Revoke a token and its children.") { try await $0.revoke($1) },
        path("revoke-self", "Revoke the calling token and its children.") { try await $0.revokeSelf($1) },
        path("revoke-orphan", "Revoke a token, orphaning its children.") { try await $0.revokeOrphan($1) },
        path("revoke-accessor", "Revoke the token behind an accessor.") { try await $0.revokeAccessor($1) },
        path("renew-accessor", "Renew the token behind an accessor.") { try await $0.renewAccessor($1) },
    ])

    func handle(_ request: EngineRequest) async throws -> LogicalResponse {
        try await Self.paths.handle(request)
    }

    func authClass(for path: String) -> PathAuthClass {
        Self.paths.authClass(for: path)
    }

    private static func path(
        _ pattern: String, _ help: String, auth: PathAuthClass = .acl,
        _ handler: @escaping @Sendable (TokenBackend, LogicalRequest) async throws -> LogicalResponse
    ) -> EnginePath {
        EnginePath(pattern, help: help, auth: auth, everyOperation: { request, _ in
            let call = try BuiltinCall(request)
            return try await handler(TokenBackend(call), call.request)
        })
    }
}

/// A list parameter Vault also accepts as one comma-separated string (`policies=a,b`).
package struct CommaSeparatedList: Decodable, Sendable {
    package var values: [String]
    package init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let list = try? c.decode([String].self) {
            values = list
        } else if let text = try? c.decode(String.self) {
            values = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        } else {
            throw DecodingError.typeMismatch(
                [String].self, .init(codingPath: decoder.codingPath, debugDescription: "expected a list of strings"))
        }
        values = values.filter { !$0.isEmpty }
    }
}
