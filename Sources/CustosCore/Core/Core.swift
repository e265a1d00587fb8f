import Foundation
package import Logging
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
    /// The `sys/` backend's table: its own paths and those installed by the server's assembler.
    let systemPaths = Mutex(SystemBackend.paths)
    let sealObservers = Mutex<[@Sendable () async -> Void]>([])
    /// The enabled audit devices (Audit/): every request and response is logged through them.
    let auditBroker: AuditBroker
    /// Runs each unseal's expiry loops, token sweep and tidy; the server runs it in its group,
    /// a test that needs leases to expire runs it as the server would.
    package let backgroundTasks = BackgroundTaskHost()

    package init(physical: any StorageBackend, settings: CoreSettings, engineTypes: [SecretsEngineType], logger: Logger) {
        self.physical = physical
        self.barrier = Barrier(physical: physical)
        self.settings = settings
        self.engineTypeTable = Mutex(Dictionary(engineTypes.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last }))
        self.logger = logger
        self.seal = SealController(physical: physical, barrier: barrier)
        self.auditBroker = AuditBroker(logger: logger)
    }

    /// Serves one request, audited when an audit device is enabled: nothing is served that the
    /// devices could not log (`AuditTrail`).
    package func handle(_ request: LogicalRequest) async throws(CustosError) -> LogicalResponse {
        let runtime = runtime.withLock { $0 }
        let route = route(request.path, runtime: runtime)
        guard let trail = auditTrail(for: request, route: route) else {
            return try await serve(request, route: route, runtime: runtime, trail: nil)
        }
        let result: Result<LogicalResponse, CustosError>
        do { result = .success(try await serve(request, route: route, runtime: runtime, trail: trail)) } catch { result = .failure(error) }
        return try await trail.finish(result)
    }

    /// Every failure is a `CustosError`; anything else is logged (by type, never by content) and
    /// answered as an internal error.
    private func serve(_ request: LogicalRequest, route: Route?, runtime: Runtime?, trail: AuditTrail?) async throws(CustosError) -> LogicalResponse {
        do {
            let warnings = RequestWarnings()
            var response = try await RequestWarnings.$current.withValue(warnings) {
                try await dispatch(request, route: route, runtime: runtime, trail: trail)
            }
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

    private func dispatch(_ request: LogicalRequest, route: Route?, runtime: Runtime?, trail: AuditTrail?) async throws -> LogicalResponse {
        if let route, route.auth == .unauthenticated {
            return try await route.backend.handle(engineRequest(request, on: route, caller: nil, runtime: runtime))
        }
        guard let runtime else {
            throw try await seal.isInitialized() ? CustosError.sealed : CustosError.notInitialized
        }
        let (caller, operation) = try await authorize(request, route: route, runtime: runtime)
        try await trail?.logRequest(caller: caller, operation: operation, runtime: runtime)
        // A use-limited token pays for the request up front; its last use revokes it afterwards.
        let use = try await runtime.tokens.consumeUse(of: caller.entry)
        guard use.allowed else { throw CustosError.permissionDenied }
        var routed = request
        routed.operation = operation
        let result: Result<LogicalResponse, any Error>
        do {
            guard let route else {
                throw CustosError(.notFound, "no handler for route \"\(request.path)\". route entry not found.")
            }
            result = .success(try await handleLeasing(
                engineRequest(routed, on: route, caller: caller, runtime: runtime), engine: route.backend, runtime: runtime))
        } catch {
            result = .failure(error)
        }
        if use.lastUse {
            try await runtime.tokens.revokeTree(saltedID: caller.entry.saltedID)
        }
        return try result.get()
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
