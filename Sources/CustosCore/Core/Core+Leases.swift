import Foundation
import Logging
import Synchronization

/// Turning engine secrets into leases, and the expiration manager's lifecycle (one per unseal).
extension Core {
    /// The expiration manager of the current unseal; nil while sealed.
    package var expirationManager: ExpirationManager? { runtime.withLock { $0?.expiration } }

    func makeExpirationManager() -> ExpirationManager {
        let revoker = MeteredLeaseRevoker(
            base: CoreLeaseRevoker(runtime: { [weak self] in self?.runtime.withLock { $0 } }),
            metrics: metrics,
            mountLabel: { [weak self] lease in self?.leaseMountLabel(lease) ?? CustosMetrics.Family.unmatched })
        return ExpirationManager(
            storage: barrier, revoker: revoker, tasks: backgroundTasks, clock: settings.clock,
            configuration: settings.expiration)
    }

    var leaseIssuer: LeaseIssuer {
        LeaseIssuer(manager: { [weak self] in self?.expirationManager }, clock: settings.clock)
    }

    /// Runs the engine and leases the secret it returns. Write-ahead records the engine began
    /// are completed by storing the lease under their id, or rolled back when the engine fails or
    /// returns no secret.
    func handleLeasing(
        _ request: EngineRequest, engine: any SecretsEngine, runtime: Runtime
    ) async throws -> LogicalResponse {
        let response: LogicalResponse
        do {
            response = try await engine.handle(request)
        } catch {
            await rollBack(request.issues.take(), runtime: runtime)
            throw error
        }
        var records = request.issues.take()
        guard let secret = response.secret else {
            await rollBack(records, runtime: runtime)
            return response
        }
        // The record the secret names completes; any other the engine began is rolled back.
        let index = secret.ticket.flatMap { ticket in records.firstIndex { $0.id == ticket.leaseID } }
        let record = index.map { records.remove(at: $0) }
        await rollBack(records, runtime: runtime)
        let leased: LogicalResponse
        do {
            leased = try await lease(secret, response: response, record: record, request: request, runtime: runtime)
        } catch {
            await rollBack(record.map { [$0] } ?? [], runtime: runtime)
            throw error
        }
        try await revokeIfOwnerIsGone(leased.leaseID, request: request, runtime: runtime)
        return leased
    }

    /// A token revoked while its request was in the engine may have had its leases revoked
    /// before this one was stored. The lease is in the token's index now, so either the token
    /// is still live here (and its later revocation finds the lease) or it is gone and the lease
    /// is revoked at once.
    private func revokeIfOwnerIsGone(_ id: String, request: EngineRequest, runtime: Runtime) async throws {
        guard let accessor = request.caller?.accessor, !accessor.isEmpty,
              !(try await runtime.tokens.exists(accessor: accessor)) else { return }
        do {
            try await runtime.expiration.revoke(id)
        } catch {
            // It keeps its expiry and is revoked (with retries) then.
            logger.warning("could not revoke a lease of a token revoked during its issue", metadata: [
                "lease_id": "\(id)", "error_type": "\(type(of: error))",
            ])
        }
        throw CustosError.permissionDenied
    }

    private func lease(
        _ secret: ResponseSecret, response: LogicalResponse, record: PendingIssue?, request: EngineRequest,
        runtime: Runtime
    ) async throws -> LogicalResponse {
        let mount = request.mount
        let now = settings.clock.now
        let explicit = secret.ttl.flatMap { $0.seconds > 0 ? $0 : nil }
        let mountDefault = mount.config.defaultLeaseTTL > 0 ? mount.config.defaultLeaseTTL : settings.defaultLeaseTTL
        let caps = leaseCaps(leaseMaxTTL: secret.maxTTL, mount: mount)
        let grant = caps.grant(requested: explicit ?? VaultDuration(seconds: mountDefault), issueTime: now, now: now)
        let id = record?.id ?? LeaseID.generate(mountPath: mount.path, requestPath: request.path)
        let accessor = request.caller.flatMap { $0.accessor.isEmpty ? nil : $0.accessor }
        let entry = LeaseEntry(
            id: id, issueTime: now, expireTime: now.addingTimeInterval(Double(grant.ttl.seconds)),
            renewable: secret.renewable, tokenAccessor: accessor, mountAccessor: mount.accessor,
            secretData: secret.internalData, maxTTL: secret.maxTTL)
        try await runtime.expiration.register(entry)
        var leased = response
        leased.secret = nil
        leased.leaseID = id
        leased.leaseDuration = grant.ttl.seconds
        leased.renewable = secret.renewable
        // Vault warns only when an explicit TTL was cut, not when the mount default was.
        if explicit != nil, let warning = grant.warning { leased.warnings.append(warning) }
        return leased
    }

    /// The limits of a lease on `mount`: the role's max, the mount's tuned max, the system max.
    func leaseCaps(leaseMaxTTL: VaultDuration?, mount: MountEntry?) -> LeaseTTLCaps {
        let mountMax = mount.flatMap { $0.config.maxLeaseTTL > 0 ? VaultDuration(seconds: $0.config.maxLeaseTTL) : nil }
        return LeaseTTLCaps(
            leaseMaxTTL: leaseMaxTTL, mountMaxTTL: mountMax, systemMaxTTL: VaultDuration(seconds: settings.maxLeaseTTL))
    }

    /// Whatever a record's engine may have created is revoked by the manager (with its retries):
    /// the record becomes an already-expired lease. If even that cannot be stored, the record
    /// stays and the next unseal rolls it back.
    private func rollBack(_ records: [PendingIssue], runtime: Runtime) async {
        for record in records {
            do {
                try await runtime.expiration.register(record.asLease(expiringAt: settings.clock.now))
            } catch {
                logger.error("could not roll back an issued secret", metadata: [
                    "lease_id": "\(record.id)", "error_type": "\(type(of: error))",
                ])
            }
        }
    }
}

/// Routes the manager's engine calls to the engine mounted with the lease's mount accessor in the
/// current runtime; a lease whose mount is gone (or a sealed core) fails and is retried.
struct CoreLeaseRevoker: LeaseRevoker {
    let runtime: @Sendable () -> Runtime?

    func revoke(_ lease: LeaseEntry) async throws {
        if lease.mountAccessor == TokenLeases.mountAccessor {
            // Revoking the token (and its subtree) also drops this lease and revokes theirs.
            guard let runtime = runtime() else { throw LeaseError(.unavailable, "the core is sealed") }
            try await runtime.tokens.revokeTree(saltedID: TokenLeases.saltedID(of: lease))
            return
        }
        try await engine(for: lease).revoke(lease)
    }

    func renew(_ lease: LeaseEntry, ttl: VaultDuration) async throws {
        if lease.mountAccessor == TokenLeases.mountAccessor {
            throw LeaseError(.notRenewable, "tokens cannot be renewed through this endpoint")
        }
        try await engine(for: lease).renew(lease, ttl: ttl)
    }

    private func engine(for lease: LeaseEntry) throws -> any SecretsEngine {
        guard let runtime = runtime() else { throw LeaseError(.unavailable, "the core is sealed") }
        guard let (_, engine) = runtime.mount(accessor: lease.mountAccessor) else {
            throw LeaseError(.engineFailed, "no secrets engine is mounted for lease \(lease.id)")
        }
        return engine
    }
}
