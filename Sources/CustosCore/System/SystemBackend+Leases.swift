import Foundation
import Logging
import VaultAPI

/// `sys/leases/*` (and the legacy `sys/renew`, `sys/revoke`, `sys/revoke-prefix`,
/// `sys/revoke-force`): lookup, renew, revoke, prefix and forced revocation, tidy, irrevocable
/// leases. Shapes follow Vault's (checked against `bao server -dev`).
extension SystemBackend {
    /// nil when the path is not a lease path.
    func leasePath(_ request: LogicalRequest, caller: RequestCaller, runtime: Runtime) async throws -> LogicalResponse? {
        let path = request.path
        let manager = runtime.expiration
        switch path {
        case "sys/leases/lookup":
            if request.operation == .list {
                // `sys/leases/lookup/*` needs sudo; the bare path (a trailing slash trimmed) too.
                guard caller.hasSudo else { throw CustosError.permissionDenied }
                return try await listLeases("", request, manager)
            }
            return try await lookupLease(request, manager)
        case "sys/leases/renew", "sys/renew": return try await renewLease(urlID: nil, request, runtime: runtime)
        case "sys/leases/revoke", "sys/revoke": return try await revokeLease(urlID: nil, request, manager)
        case "sys/leases/tidy": return try await tidyLeases(request, manager)
        case "sys/leases": return try await irrevocableLeases(request, manager)
        case "sys/leases/count": return try await countLeases(request, manager)
        default: break
        }
        if let rest = Self.suffix(of: path, after: ["sys/leases/lookup/"]) {
            return try await listLeases(rest, request, manager)
        }
        if let rest = Self.suffix(of: path, after: ["sys/leases/renew/", "sys/renew/"]) {
            return try await renewLease(urlID: rest, request, runtime: runtime)
        }
        if let rest = Self.suffix(of: path, after: ["sys/leases/revoke/", "sys/revoke/"]) {
            return try await revokeLease(urlID: rest, request, manager)
        }
        if let rest = Self.suffix(of: path, after: ["sys/leases/revoke-prefix/", "sys/revoke-prefix/"]) {
            return try await revokePrefix(rest, request, runtime: runtime)
        }
        if let rest = Self.suffix(of: path, after: ["sys/leases/revoke-force/", "sys/revoke-force/"]) {
            return try await revokeForce(rest, request, manager)
        }
        return nil
    }

    private static func suffix(of path: String, after prefixes: [String]) -> String? {
        for prefix in prefixes where path.hasPrefix(prefix) { return String(path.dropFirst(prefix.count)) }
        return nil
    }

    struct LeaseIDParameters: Decodable {
        // Request bodies are decoded from snake_case (`lease_id`).
        var leaseId: String?
        var increment: VaultDuration?
        var sync: VaultBool?
    }

    /// The body's `lease_id` wins over the one in the URL, as in Vault.
    private func leaseID(_ parameters: LeaseIDParameters, urlID: String?) throws(CustosError) -> String {
        let id = parameters.leaseId.flatMap { $0.isEmpty ? nil : $0 } ?? urlID.flatMap { $0.isEmpty ? nil : $0 }
        guard let id else { throw CustosError.badRequest("missing lease ID") }
        return id
    }

    private func lookupLease(_ request: LogicalRequest, _ manager: ExpirationManager) async throws -> LogicalResponse {
        try Self.require(request, [.update, .create])
        let id = try leaseID(try request.decode(LeaseIDParameters.self), urlID: nil)
        guard LeaseID.isValid(id), let lease = try await manager.lookup(id) else {
            throw CustosError.badRequest("invalid lease")
        }
        return LogicalResponse(data: LeaseLookupData(lease, now: core.settings.clock.now))
    }

    private func listLeases(_ prefix: String, _ request: LogicalRequest, _ manager: ExpirationManager) async throws -> LogicalResponse {
        try Self.require(request, [.list])
        let keys = try await Self.leaseCall { try await manager.list(prefix: prefix) }
        guard !keys.isEmpty else { throw CustosError(.notFound, "") }
        return LogicalResponse(data: KeyList(keys: keys))
    }

    private func renewLease(urlID: String?, _ request: LogicalRequest, runtime: Runtime) async throws -> LogicalResponse {
        try Self.require(request, [.update, .create])
        let parameters = try request.decode(LeaseIDParameters.self)
        let id = try leaseID(parameters, urlID: urlID)
        let manager = runtime.expiration
        guard LeaseID.isValid(id), let lease = try await manager.lookup(id) else {
            throw CustosError.badRequest("lease not found")
        }
        // Vault's answer: tokens are renewed through auth/token/renew(-self).
        guard lease.mountAccessor != TokenLeases.mountAccessor else {
            throw CustosError.badRequest("tokens cannot be renewed through this endpoint")
        }
        let mount = runtime.mount(accessor: lease.mountAccessor)?.0
        let caps = core.leaseCaps(leaseMaxTTL: lease.maxTTL, mount: mount)
        let renewal = try await Self.leaseCall {
            try await manager.renew(id, increment: parameters.increment, caps: caps)
        }
        return LogicalResponse(
            warnings: renewal.grant.warning.map { [$0] } ?? [], leaseID: id,
            leaseDuration: renewal.grant.ttl.seconds, renewable: renewal.lease.renewable)
    }

    /// Vault answers 204 for an unknown lease; `sync=false` revokes in the background (202).
    private func revokeLease(urlID: String?, _ request: LogicalRequest, _ manager: ExpirationManager) async throws -> LogicalResponse {
        try Self.require(request, [.update, .create])
        let parameters = try request.decode(LeaseIDParameters.self)
        let id = try leaseID(parameters, urlID: urlID)
        guard LeaseID.isValid(id) else { throw CustosError.badRequest("invalid lease ID") }
        if parameters.sync?.value == false {
            await manager.runInBackground { try? await manager.revoke(id) }
            return LogicalResponse(statusCode: 202)
        }
        do {
            try await manager.revoke(id)
        } catch let error as LeaseError where error.code == .notFound {
            return .noContent
        } catch let error as LeaseError {
            throw error.custosError
        }
        return .noContent
    }

    /// Revokes the secret leases under the prefix and the tokens created under it (tokens are
    /// leases under `auth/token/<creation path>/`, revoked with their subtrees and their leases).
    func revokePrefix(_ prefix: String, _ request: LogicalRequest, runtime: Runtime) async throws -> LogicalResponse {
        try Self.require(request, [.update, .create])
        let parameters = try request.decode(LeaseIDParameters.self)
        let trimmed = prefix.hasSuffix("/") ? String(prefix.dropLast()) : prefix
        guard !trimmed.isEmpty else { throw CustosError.badRequest("a prefix is required") }
        let manager = runtime.expiration
        let tokens = runtime.tokens
        let work: @Sendable () async throws -> Void = {
            try await tokens.revoke(pathPrefix: trimmed)
            let result = try await Self.leaseCall { try await manager.revokePrefix(trimmed) }
            if !result.failed.isEmpty {
                throw CustosError(.internal, "failed to revoke \(result.failed.count) lease(s) under \(trimmed)/; they are retried")
            }
        }
        if parameters.sync?.value == false {
            await manager.runInBackground { try? await work() }
            return LogicalResponse(statusCode: 202)
        }
        try await work()
        return .noContent
    }

    /// Drops the leases under the prefix without asking their engines (sudo).
    private func revokeForce(_ prefix: String, _ request: LogicalRequest, _ manager: ExpirationManager) async throws -> LogicalResponse {
        try Self.require(request, [.update, .create])
        guard !prefix.isEmpty, prefix != "/" else { throw CustosError.badRequest("a prefix is required") }
        let count = try await Self.leaseCall { try await manager.revokeForce(prefix) }
        core.logger.warning("leases dropped without revocation (revoke-force)", metadata: [
            "prefix": "\(prefix)", "count": "\(count)",
        ])
        return .noContent
    }

    /// Runs in the background as in Vault (202 with a warning); the result goes to the log.
    private func tidyLeases(_ request: LogicalRequest, _ manager: ExpirationManager) async throws -> LogicalResponse {
        try Self.require(request, [.update, .create])
        let logger = core.logger
        await manager.runInBackground {
            do {
                let report = try await manager.tidy()
                logger.info("lease tidy finished", metadata: [
                    "stale_index_keys": "\(report.staleIndexKeys)", "rescheduled": "\(report.rescheduled)",
                ])
            } catch {
                logger.error("lease tidy failed", metadata: ["error_type": "\(type(of: error))"])
            }
        }
        return LogicalResponse(
            warnings: ["Tidy operation successfully started. Any information from the operation will be printed to Custos's server logs."],
            statusCode: 202)
    }

    struct LeaseTypeParameters: Decodable {
        var type: String?
        var includeChildNamespaces: VaultBool?
        var limit: String?
    }

    /// GET `sys/leases?type=irrevocable`: the leases whose revocation kept failing, with the error.
    private func irrevocableLeases(_ request: LogicalRequest, _ manager: ExpirationManager) async throws -> LogicalResponse {
        try Self.require(request, [.read])
        try Self.requireIrrevocableType(try request.decode(LeaseTypeParameters.self))
        let leases = try await manager.irrevocable().map(IrrevocableLeaseData.init)
        return LogicalResponse(data: IrrevocableLeasesData(leaseCount: leases.count, leases: leases))
    }

    /// GET `sys/leases/count?type=irrevocable`; `type=all` (a Custos extension) counts every lease
    /// and the write-ahead records of issues in flight or not yet rolled back (`pending_count`).
    private func countLeases(_ request: LogicalRequest, _ manager: ExpirationManager) async throws -> LogicalResponse {
        try Self.require(request, [.read])
        let parameters = try request.decode(LeaseTypeParameters.self)
        if parameters.type == "all" {
            let counts = try await manager.count()
            let pending = try await manager.store.pendingRecords().count
            return LogicalResponse(data: LeaseCountData(leaseCount: counts.leases, counts: [:], pendingCount: pending))
        }
        try Self.requireIrrevocableType(parameters)
        let leases = try await manager.irrevocable()
        var counts: [String: Int] = [:]
        for lease in leases { counts[lease.mountAccessor, default: 0] += 1 }
        return LogicalResponse(data: LeaseCountData(leaseCount: leases.count, counts: counts))
    }

    private static func requireIrrevocableType(_ parameters: LeaseTypeParameters) throws(CustosError) {
        guard parameters.type == "irrevocable" else {
            throw CustosError.badRequest("invalid lease type \"\(parameters.type ?? "")\": only \"irrevocable\" is supported")
        }
    }

    /// Maps lease errors to the API's (400 for bad ids and unknown or non-renewable leases).
    static func leaseCall<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as LeaseError {
            throw error.custosError
        }
    }
}
