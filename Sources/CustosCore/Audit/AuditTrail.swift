import CustosJSON
import Foundation
import Logging
import Synchronization
import VaultAPI

/// One request's way through the audit devices, as in Vault: the request entry once the caller
/// is authenticated (before any engine runs), the response entry once it is served. Fails
/// closed: when no device takes an entry the request is refused, and a response that cannot be
/// logged is replaced by the same error, its lease and token revoked, so nothing leaves
/// unaudited. Exists only while at least one device is enabled.
final class AuditTrail: Sendable {
    /// What Vault answers when auditing fails: 500, nothing more (the cause goes to the server log).
    static let failure = CustosError(.internal, "internal error")

    private struct State {
        var auth: AuditAuth?
        var request: AuditRequest
        var clearKeys: Set<String> = []
        var requestLogged = false
        var runtime: Runtime?
    }

    private let core: Core
    /// The broker's generation when the request arrived: a seal since then closes the devices.
    private let generation: UInt64
    private let clientToken: String?
    private let state: Mutex<State>

    init(core: Core, request: LogicalRequest, generation: UInt64) {
        self.core = core
        self.generation = generation
        self.clientToken = request.clientToken
        let logged = AuditRequest(
            id: request.id, operation: request.operation, clientToken: request.clientToken, path: request.path,
            data: try? request.dataObject(), remoteAddress: request.remoteAddress, remotePort: request.remotePort)
        state = Mutex(State(request: logged))
    }

    /// The caller passed authentication and the ACL: logs the request before it is routed.
    func logRequest(caller: RequestCaller, operation: LogicalOperation, runtime: Runtime) async throws(CustosError) {
        let (mount, clearKeys) = core.auditMount(for: state.withLock { $0.request.path }, runtime: runtime)
        let entry = state.withLock { state in
            state.auth = AuditAuth(entry: caller.entry, clientToken: clientToken, allowed: true)
            state.request.operation = operation
            state.request.clientTokenAccessor = caller.accessor.isEmpty ? nil : caller.accessor
            state.request.mount = mount
            state.clearKeys = clearKeys
            state.runtime = runtime
            state.requestLogged = true
            return AuditEntry(time: Date(), kind: .request, auth: state.auth, request: state.request)
        }
        guard await core.auditBroker.log(entry, since: generation) else { throw Self.failure }
    }

    /// Logs how the request ended and returns what the client may see.
    func finish(_ result: Result<LogicalResponse, CustosError>) async throws(CustosError) -> LogicalResponse {
        switch result {
        case .success(let response):
            return try await finish(response)
        case .failure(let error):
            try await finish(error)
            throw error
        }
    }

    private func finish(_ response: LogicalResponse) async throws(CustosError) -> LogicalResponse {
        let (auth, request, clearKeys, runtime) = state.withLock { ($0.auth, $0.request, $0.clearKeys, $0.runtime) }
        var logged = AuditResponse(mount: request.mount, leaseID: response.leaseID, clearKeys: clearKeys, warnings: response.warnings)
        logged.auth = response.auth.map(AuditAuth.init(created:))
        if let data = response.data { logged.data = Self.json(data) }
        let entry = AuditEntry(time: Date(), kind: .response, auth: auth, request: request, response: logged)
        if await core.auditBroker.log(entry, since: generation) { return response }
        // Sealed while this request ran (`sys/seal` itself): the devices are closed. An answer
        // that carries nothing may still go out, as Vault's seal answers without a response entry.
        let carriesNothing = response.data == nil && response.auth == nil && response.leaseID.isEmpty
        if carriesNothing, core.auditBroker.generation != generation { return response }
        await withdraw(response, runtime: runtime)
        throw Self.failure
    }

    private func finish(_ error: CustosError) async throws(CustosError) {
        let message = error.messages.joined(separator: "; ")
        if !state.withLock({ $0.requestLogged }) {
            await noteRefusal()
            let (auth, request) = state.withLock { ($0.auth, $0.request) }
            let entry = AuditEntry(time: Date(), kind: .request, auth: auth, request: request, error: message)
            guard await core.auditBroker.log(entry, since: generation) else { throw refusal(error) }
        }
        let (auth, request) = state.withLock { ($0.auth, $0.request) }
        let logged = AuditResponse(mount: request.mount, data: .object(["error": .string(message)]))
        let entry = AuditEntry(
            time: Date(), kind: .response, auth: auth, request: request, response: logged,
            error: "1 error occurred:\n\t* \(Self.category(error.code))\n\n")
        guard await core.auditBroker.log(entry, since: generation) else { throw refusal(error) }
    }

    /// An error that could not be logged: Vault's internal error, unless the core sealed meanwhile
    /// (its devices are closed), where the error itself says more and carries nothing secret.
    private func refusal(_ error: CustosError) -> CustosError {
        core.auditBroker.generation != generation ? error : Self.failure
    }

    /// Refused before the request entry (a bad token, the ACL): Vault logs both entries, with the
    /// token's details when it is a live token, and the mount the path belongs to.
    private func noteRefusal() async {
        guard let runtime = core.runtime.withLock({ $0 }) else {
            state.withLock { $0.auth = AuditAuth() }
            return
        }
        var entry: TokenEntry?
        if let clientToken { entry = try? await runtime.tokens.lookup(clientToken) }
        let (mount, _) = core.auditMount(for: state.withLock { $0.request.path }, runtime: runtime)
        state.withLock { state in
            state.auth = entry.map { AuditAuth(entry: $0, clientToken: clientToken, allowed: false) } ?? AuditAuth()
            if let accessor = entry?.accessor, !accessor.isEmpty { state.request.clientTokenAccessor = accessor }
            state.request.mount = mount
        }
    }

    /// A response that could not be logged never reaches the client; what it created goes too.
    private func withdraw(_ response: LogicalResponse, runtime: Runtime?) async {
        guard let runtime else { return }
        if !response.leaseID.isEmpty {
            do {
                try await runtime.expiration.revoke(response.leaseID)
            } catch {
                core.logger.error("could not revoke the lease of an unaudited response", metadata: [
                    "lease_id": "\(response.leaseID)", "error_type": "\(type(of: error))",
                ])
            }
        }
        if let accessor = response.auth?.accessor, let entry = try? await runtime.tokens.lookup(accessor: accessor) {
            try? await runtime.tokens.revokeTree(saltedID: entry.saltedID)
        }
    }

    /// A response's data as JSON: most paths answer JSON already (KV, lists); the others are
    /// encoded once here.
    static func json(_ data: any Encodable & Sendable) -> JSONValue? {
        switch data {
        case let value as JSONValue: return value
        case let object as [String: JSONValue]: return .object(object)
        case let object as [String: String]: return .object(object.mapValues { .string($0) })
        default: return try? JSONValue(encoding: AnyAuditEncodable(data))
        }
    }

    /// The error kinds Vault names in an audit entry's `error`.
    static func category(_ code: CustosError.Code) -> String {
        switch code {
        case .badRequest, .payloadTooLarge: return "invalid request"
        case .permissionDenied: return "permission denied"
        case .notFound: return "unsupported path"
        case .unsupportedOperation: return "unsupported operation"
        case .rateLimited: return "request rate limit exceeded"
        case .sealed: return "Custos is sealed"
        case .notInitialized: return "Custos is not initialized"
        case .internal: return "internal error"
        }
    }
}

extension AuditAuth {
    /// The token a response creates (`auth/token/create`, renewals).
    init(created auth: AuthBlock) {
        self.init(tokenType: auth.tokenType ?? "service")
        clientToken = auth.clientToken
        accessor = auth.accessor
        policies = auth.policies
        tokenPolicies = auth.tokenPolicies
        metadata = auth.metadata
        entityID = auth.entityID
        tokenTTL = auth.leaseDuration > 0 ? auth.leaseDuration : nil
    }
}

/// A response's data, whatever its type, for `JSONValue(encoding:)`.
private struct AnyAuditEncodable: Encodable {
    let value: any Encodable
    init(_ value: any Encodable) { self.value = value }
    func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
}
