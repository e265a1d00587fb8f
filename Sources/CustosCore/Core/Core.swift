import Foundation
import Logging
import Synchronization

/// The server's core: seal state, authentication, routing to engines. No HTTP in here; the
/// server module turns HTTP into `LogicalRequest`s and calls `handle`.
package final class Core: Sendable {
    let physical: any StorageBackend
    let barrier: Barrier
    package let settings: CoreSettings
    /// Engine kinds by name; the executable registers more (`register`) before the core serves.
    let engineTypeTable: Mutex<[String: SecretsEngineType]>
    let logger: Logger
    let runtime = Mutex<Runtime?>(nil)
    let seal: SealController
    let mountChanges = MountChangeQueue()
    let systemHandlers = Mutex<[any SystemPathHandler]>([])
    let sealObservers = Mutex<[@Sendable () async -> Void]>([])
    /// The enabled audit devices (Audit/): every request and response is logged through them.
    let auditBroker: AuditBroker

    package init(physical: any StorageBackend, settings: CoreSettings, engineTypes: [SecretsEngineType], logger: Logger) {
        self.physical = physical
        self.barrier = Barrier(physical: physical)
        self.settings = settings
        self.engineTypeTable = Mutex(Dictionary(engineTypes.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last }))
        self.logger = logger
        self.seal = SealController(physical: physical, barrier: barrier)
        self.auditBroker = AuditBroker(logger: logger)
    }

    /// Paths served while sealed or uninitialised, without a token.
    static let unauthenticatedPaths: Set<String> = ["sys/init", "sys/unseal", "sys/seal-status", "sys/health", "sys/leader"]

    /// Serves one request, audited when an audit device is enabled: nothing is served that the
    /// devices could not log (`AuditTrail`).
    package func handle(_ request: LogicalRequest) async throws(CustosError) -> LogicalResponse {
        guard let trail = auditTrail(for: request) else { return try await serve(request, trail: nil) }
        let result: Result<LogicalResponse, CustosError>
        do { result = .success(try await serve(request, trail: trail)) } catch { result = .failure(error) }
        return try await trail.finish(result)
    }

    /// Every failure is a `CustosError`; anything else is logged (by type, never by content) and
    /// answered as an internal error.
    private func serve(_ request: LogicalRequest, trail: AuditTrail?) async throws(CustosError) -> LogicalResponse {
        do {
            let warnings = RequestWarnings()
            var response = try await RequestWarnings.$current.withValue(warnings) { try await dispatch(request, trail: trail) }
            if let ignored = warnings.ignoredParametersWarning { response.warnings.append(ignored) }
            return response
        } catch let error as CustosError {
            throw error
        } catch let error as LeaseError {
            throw error.custosError
        } catch let error as StorageError where error.code == .invalidKey {
            // A key derived from the request path that storage refuses is the client's path.
            throw CustosError.badRequest("invalid path \"\(request.path)\"")
        } catch let error as BarrierError where error.code == .sealed {
            throw CustosError.sealed
        } catch {
            logger.error("request failed", metadata: [
                "request_id": "\(request.id)", "path": "\(request.path)", "error_type": "\(type(of: error))",
            ])
            throw CustosError(.internal, "internal error")
        }
    }

    private func dispatch(_ request: LogicalRequest, trail: AuditTrail?) async throws -> LogicalResponse {
        let path = request.path
        if Self.unauthenticatedPaths.contains(path) {
            return try await SystemBackend(core: self).handleUnauthenticated(request)
        }
        guard let runtime = runtime.withLock({ $0 }) else {
            throw try await seal.isInitialized() ? CustosError.sealed : CustosError.notInitialized
        }
        let (caller, operation) = try await authorize(request, runtime: runtime)
        try trail?.logRequest(caller: caller, operation: operation, runtime: runtime)
        // A use-limited token pays for the request up front; its last use revokes it afterwards.
        let use = try await runtime.tokens.consumeUse(of: caller.entry)
        guard use.allowed else { throw CustosError.permissionDenied }
        var routed = request
        routed.operation = operation
        let result: Result<LogicalResponse, any Error>
        do {
            result = .success(try await route(routed, caller: caller, runtime: runtime))
        } catch {
            result = .failure(error)
        }
        if use.lastUse {
            try await runtime.tokens.revokeTree(saltedID: caller.entry.saltedID)
        }
        return try result.get()
    }

    private func route(_ request: LogicalRequest, caller: RequestCaller, runtime: Runtime) async throws -> LogicalResponse {
        let path = request.path
        if path == "sys" || path.hasPrefix("sys/") {
            if let handler = systemHandler(for: path) {
                return try await handler.handle(request)
            }
            return try await SystemBackend(core: self).handle(request, caller: caller, runtime: runtime)
        }
        if path.hasPrefix(TokenBackend.mountPath) || path + "/" == TokenBackend.mountPath {
            return try await TokenBackend(core: self, tokens: runtime.tokens, policies: runtime.policies, caller: caller)
                .handle(request, relativePath: String(path.dropFirst(min(TokenBackend.mountPath.count, path.count))))
        }
        guard let (mount, engine) = runtime.route(path) else {
            throw CustosError(.notFound, "no handler for route \"\(path)\". route entry not found.")
        }
        let relative = String(path.dropFirst(min(mount.path.count, path.count)))
        return try await handleLeasing(
            EngineRequest(operation: request.operation, path: relative, mount: mount, request: request, caller: caller),
            engine: engine, runtime: runtime)
    }

    /// `sys/policies/password/`: stateless over the barrier, so usable by engines and `sys/` alike.
    package var passwordPolicies: PasswordPolicyStore {
        PasswordPolicyStore(storage: StorageView(backend: barrier, prefix: "sys/password-policy/"))
    }

    var systemView: SystemView {
        SystemView(defaultLeaseTTL: settings.defaultLeaseTTL, maxLeaseTTL: settings.maxLeaseTTL)
    }

    /// Adds an engine kind, built by a factory that captured what it needs (the `database`
    /// engine's plugin supervisor). Call before the core serves requests or unseals.
    package func register(_ type: SecretsEngineType) {
        engineTypeTable.withLock { $0[type.name] = type }
    }

    func engineType(_ name: String) -> SecretsEngineType? {
        engineTypeTable.withLock { $0[name] }
    }

    func makeEngine(for entry: MountEntry) async throws -> any SecretsEngine {
        guard let type = engineType(entry.type) else {
            throw CustosError.badRequest("plugin not found in the catalog: \(entry.type)")
        }
        let context = EngineContext(
            storage: StorageView(backend: barrier, prefix: entry.storagePrefix),
            mount: entry,
            system: systemView,
            logger: logger,
            leases: leaseIssuer,
            passwords: passwordPolicies,
            clock: settings.clock
        )
        return try await type.make(context)
    }
}
