import CustosJSON
import Foundation
import Logging

/// The caller of an authorised request, as engines and handlers see it.
package struct RequestCaller: Sendable {
    package var entry: TokenEntry
    package var acl: ACL
    /// The caller may use sudo on the request's path (root, or a winning rule that grants `sudo`):
    /// handlers that demand sudo for some parameters (e.g. `no_parent`) read it.
    package var hasSudo: Bool
    package var displayName: String { entry.displayName }
    package var policies: [String] { entry.policies }
    package var accessor: String { entry.accessor }
}

/// Authorisation of every request that its route's table does not declare unauthenticated: the
/// token must be live, its policies must grant the operation's capability on the path (create
/// when the target does not exist yet), `sudo` on the paths the table declares sudo-protected,
/// and the rule's parameter constraints must hold. Anything else is 403 `permission denied`.
extension Core {
    /// Resolves the token and checks the request; returns the caller and the operation as the
    /// ACL saw it (`update` becomes `create` for a target that does not exist yet). A path no
    /// mount serves is checked by the ACL like any other (then answered 404).
    func authorize(_ request: LogicalRequest, route: Route?, runtime: Runtime) async throws -> (RequestCaller, LogicalOperation) {
        guard let token = request.clientToken, let entry = try await runtime.tokens.lookup(token) else {
            throw CustosError.permissionDenied
        }
        let acl = try await runtime.policies.acl(for: entry.policies)
        var operation = request.operation
        if operation == .update, let route, try await targetIsMissing(request, route: route, runtime: runtime) {
            operation = .create
        }
        let path = request.path
        let auth = route?.auth ?? .acl
        if auth == .openToEveryToken {
            return (RequestCaller(entry: entry, acl: acl, hasSudo: acl.isRoot), operation)
        }
        let decision = acl.allows(
            ACLOperation(operation), path: path, parameters: Self.parameters(of: request, operation: operation))
        guard decision.allowed else {
            logger.debug("permission denied", metadata: ["path": "\(path)", "reason": "\(decision.denial?.code ?? "")"])
            throw CustosError.permissionDenied
        }
        let hasSudo = decision.isRoot || decision.hasSudo
        if auth == .sudo, !hasSudo {
            logger.debug("permission denied", metadata: ["path": "\(path)", "reason": "sudo_required"])
            throw CustosError.permissionDenied
        }
        return (RequestCaller(entry: entry, acl: acl, hasSudo: hasSudo), operation)
    }

    /// The request's data as the ACL's parameter constraints see it: the body for writes, the
    /// query for reads. A body that is JSON but not an object has no parameters (its handler
    /// refuses it); a body the core cannot read at all (`1e400` somewhere in it) is nil, which a
    /// rule with parameter constraints refuses, since its handler may still decode parts of it.
    private static func parameters(of request: LogicalRequest, operation: LogicalOperation) -> [String: JSONValue]? {
        switch request.data {
        case .json(.object(let object)): return object
        case .json: return [:]
        case .malformed: return nil
        }
    }

    /// Vault's existence check, asked of the path's table: only paths that define one (KV keys,
    /// policies) turn an update into a create; everything else stays an update.
    private func targetIsMissing(_ request: LogicalRequest, route: Route, runtime: Runtime) async throws -> Bool {
        var probe = engineRequest(request, on: route, caller: nil, runtime: runtime)
        probe.operation = .read
        return try await route.backend.exists(probe) == false
    }
}

extension ACLOperation {
    init(_ operation: LogicalOperation) {
        switch operation {
        case .read: self = .read
        case .list: self = .list
        case .create: self = .create
        case .update: self = .update
        case .delete: self = .delete
        case .patch: self = .patch
        }
    }
}
