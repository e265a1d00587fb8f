package import CustosJSON
package import Logging

/// A logical backend mounted at a path. The core routes every request below the mount to it,
/// with the path made relative to the mount.
package protocol SecretsEngine: Sendable {
    func handle(_ request: EngineRequest) async throws -> LogicalResponse
    /// Vault's existence check: whether the target of a write exists, so that the ACL asks for
    /// `create` rather than `update` when it does not. nil: the path has no such check (update).
    func exists(_ request: EngineRequest) async throws -> Bool?
    /// How the core authorises a request for `path` (below the mount): its table's declaration.
    func authClass(for path: String) -> PathAuthClass
    /// Removes what a lease stands for (the expiration manager calls it on expiry, revoke, and to
    /// roll back a write-ahead record left by a crash). Must be idempotent.
    func revoke(_ lease: LeaseEntry) async throws
    /// Extends what a lease stands for to `ttl` from now.
    func renew(_ lease: LeaseEntry, ttl: VaultDuration) async throws
    /// The mount was tuned (`sys/mounts/<path>/tune`): the engine stays, with new settings.
    /// Requests always carry the current entry as `EngineRequest.mount`.
    func tuned(to mount: MountEntry) async
    /// The mount serves (after unseal, or once enabled): start background work here, not in the
    /// factory, so that none runs before the core serves (plugins refuse to run while sealed).
    func start() async
    /// The mount stops serving: on seal, and on disable once its leases are revoked. Close
    /// connections and stop background work; the next unseal or enable makes a new engine.
    func stop() async
}

extension SecretsEngine {
    package func exists(_ request: EngineRequest) async throws -> Bool? { nil }

    /// Every path of an engine without special paths is checked by the ACL.
    package func authClass(for path: String) -> PathAuthClass { .acl }

    /// Engines that issue no secrets refuse: such a lease is retried, then listed as irrevocable.
    package func revoke(_ lease: LeaseEntry) async throws {
        throw CustosError.badRequest("this secrets engine does not support revocation")
    }

    package func renew(_ lease: LeaseEntry, ttl: VaultDuration) async throws {
        throw LeaseError(.notRenewable, "lease is not renewable")
    }

    package func tuned(to mount: MountEntry) async {}
    package func start() async {}
    package func stop() async {}
}

/// A request as an engine sees it.
package struct EngineRequest: Sendable {
    package var operation: LogicalOperation
    /// Below the mount, no leading slash (`foo/bar` for `secret/foo/bar`).
    package var path: String
    package var mount: MountEntry
    package var request: LogicalRequest
    /// Who asks (nil only for the core's own probes, such as the existence check). The display
    /// name and policies come from the caller's token.
    package var caller: RequestCaller?
    /// Write-ahead records begun for this request (`LeaseIssuer.beginIssue`), for the core to
    /// complete or roll back.
    package let issues = PendingIssueTracker()
    /// The core that routed the request and its unsealed state (nil while sealed), for the core's
    /// own backends (`sys/`, `auth/token/`), which serve from that state.
    var core: Core?
    var runtime: Runtime?

    package init(operation: LogicalOperation, path: String, mount: MountEntry, request: LogicalRequest, caller: RequestCaller? = nil) {
        self.operation = operation
        self.path = path
        self.mount = mount
        self.request = request
        self.caller = caller
    }

    package func decode<T: Decodable>(_ type: T.Type) throws(CustosError) -> T { try request.decode(type) }
    package func dataObject() throws(CustosError) -> [String: JSONValue] { try request.dataObject() }
}

/// What an engine gets when it is mounted.
package struct EngineContext: Sendable {
    /// The engine's own storage: a view of the barrier below `logical/<uuid>/`.
    package var storage: any StorageBackend
    package var mount: MountEntry
    package var system: SystemView
    package var logger: Logger
    /// Crash-safe issuance for engines that create external objects (see `LeaseIssuer`).
    package var leases: LeaseIssuer = .unavailable
    /// Passwords from `sys/policies/password/<name>` (or Vault's default policy).
    package var passwords: PasswordPolicyStore?
    /// The core's clock (the one leases expire by), for an engine's own timers (static-role
    /// rotation): tests inject a `ManualClock` and advance time instead of sleeping.
    package var clock: any CoreClock = SystemClock()
}

/// Read-only facts about the system an engine may need.
package struct SystemView: Sendable {
    package var defaultLeaseTTL: Int64
    package var maxLeaseTTL: Int64
}

/// A kind of secrets engine (`kv`, `database`, ...), registered by the executable that assembles
/// the server; the core knows engines only through this.
package struct SecretsEngineType: Sendable {
    package var name: String
    /// Rejects mount options the engine does not support (e.g. KV `version=2`).
    package var validateOptions: @Sendable ([String: String]) throws(CustosError) -> Void
    package var make: @Sendable (EngineContext) async throws -> any SecretsEngine
    /// Response keys audit devices log in clear, by path (e.g. the database engine's `username`).
    package var auditNonHMACResponseKeys: AuditNonHMACKeys

    package init(
        name: String,
        validateOptions: @escaping @Sendable ([String: String]) throws(CustosError) -> Void = { _ throws(CustosError) in },
        auditNonHMACResponseKeys: AuditNonHMACKeys = .none,
        make: @escaping @Sendable (EngineContext) async throws -> any SecretsEngine
    ) {
        self.name = name
        self.validateOptions = validateOptions
        self.auditNonHMACResponseKeys = auditNonHMACResponseKeys
        self.make = make
    }
}
