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

/// Authorisation of every request that is not one of the unauthenticated `sys/` paths: the token
/// must be live, its policies must grant the operation's capability on the path (create when the
/// target does not exist yet), `sudo` on root-protected paths, and the rule's parameter
/// constraints must hold. Anything else is 403 `permission denied`.
extension Core {
    /// `sys/` and token-store paths that need `sudo` as in Vault (`*` = prefix).
    static let sudoPaths: [String] = [
        "sys/auth/*", "sys/remount", "sys/audit", "sys/audit/*", "sys/raw", "sys/raw/*",
        "sys/rotate", "sys/rotate/config", "sys/seal", "sys/step-down",
        "sys/config/cors", "sys/config/auditing/*", "sys/config/ui/headers/*",
        "sys/plugins/catalog/*",
        "sys/revoke-prefix/*", "sys/revoke-force/*",
        "sys/leases/revoke-prefix/*", "sys/leases/revoke-force/*", "sys/leases/lookup/*",
        "sys/leases", "sys/leases/count",
        "sys/storage/raft/snapshot-auto/config/*", "sys/internal/inspect/*",
        "sys/internal/counters/activity/export",
        "auth/token/accessors*",
    ]

    static func needsSudo(_ path: String) -> Bool {
        sudoPaths.contains { pattern in
            pattern.hasSuffix("*") ? path.hasPrefix(pattern.dropLast()) : path == pattern
        }
    }

    /// Paths any valid token may use whatever its policies: the handler checks access itself
    /// (Vault's preflight check on the mount).
    static func isOpenToEveryToken(_ path: String) -> Bool {
        path.hasPrefix("sys/internal/ui/mounts/") || path == "sys/internal/ui/mounts"
    }

    /// Resolves the token and checks the request; returns the caller and the operation as the
    /// ACL saw it (`update` becomes `create` for a target that does not exist yet).
    func authorize(_ request: LogicalRequest, runtime: Runtime) async throws -> (RequestCaller, LogicalOperation) {
        guard let token = request.clientToken, let entry = try await runtime.tokens.lookup(token) else {
            throw CustosError.permissionDenied
        }
        let acl = try await runtime.policies.acl(for: entry.policies)
        var operation = request.operation
        if operation == .update, try await targetIsMissing(request, runtime: runtime) {
            operation = .create
        }
        let path = request.path
        if Self.isOpenToEveryToken(path) {
            return (RequestCaller(entry: entry, acl: acl, hasSudo: acl.isRoot), operation)
        }
        let decision = acl.allows(
            ACLOperation(operation), path: path, parameters: Self.parameters(of: request, operation: operation))
        guard decision.allowed else {
            logger.debug("permission denied", metadata: ["path": "\(path)", "reason": "\(decision.denial?.code ?? "")"])
            throw CustosError.permissionDenied
        }
        let hasSudo = decision.isRoot || decision.hasSudo
        if Self.needsSudo(path), !hasSudo {
            logger.debug("permission denied", metadata: ["path": "\(path)", "reason": "sudo_required"])
            throw CustosError.permissionDenied
        }
        return (RequestCaller(entry: entry, acl: acl, hasSudo: hasSudo), operation)
    }

    /// The request's data as the ACL's parameter constraints see it: the body for writes, the
    /// query for reads. A body that is not a JSON object has no parameters (its handler refuses it).
    private static func parameters(of request: LogicalRequest, operation: LogicalOperation) -> [String: ACLParameterValue] {
        guard let data = try? request.dataObject() else { return [:] }
        return ACLParameterValue.parameters(data)
    }

    /// Vault's existence check: only paths that define one (KV keys, policies) turn an update
    /// into a create; everything else stays an update.
    private func targetIsMissing(_ request: LogicalRequest, runtime: Runtime) async throws -> Bool {
        let path = request.path
        for prefix in ["sys/policies/acl/", "sys/policy/"] where path.hasPrefix(prefix) {
            let name = String(path.dropFirst(prefix.count))
            guard !name.isEmpty else { return false }
            return try await runtime.policies.policy(named: name) == nil
        }
        if path.hasPrefix("sys/") || path.hasPrefix("auth/") { return false }
        guard let (mount, engine) = runtime.route(path) else { return false }
        let relative = String(path.dropFirst(min(mount.path.count, path.count)))
        let probe = EngineRequest(operation: .read, path: relative, mount: mount, request: request)
        return try await engine.exists(probe) == false
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
