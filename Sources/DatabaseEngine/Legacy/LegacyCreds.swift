import CustosCore
import DatabasePluginProtocol
import Foundation
import PluginHost

/// `creds/<role>` of the legacy engine, in its shapes: username `vault-<display name>-<unix
/// time>-<4 digits>` (at most 63 characters, PostgreSQL's limit), password a UUID, lease from
/// `config/lease` (1h by default). Leased, renewed and revoked like `database` credentials.
extension LegacyPostgreSQLEngine {
    var credsPaths: [EnginePath] {
        [
            EnginePath("creds/{name}", help: "Request credentials for a role.", operations: [
                .read: { request, match in try await issue(role: match["name"], request) },
            ]),
        ]
    }

    static func username(displayName: String, now: Date, random: inout some RandomNumberGenerator) -> String {
        let suffix = "-\(Int64(now.timeIntervalSince1970))-\(String(format: "%04d", Int.random(in: 0...9999, using: &random)))"
        let room = 63 - "vault-".count - suffix.count
        return "vault-" + String(displayName.prefix(max(room, 0))) + suffix
    }

    func issue(role name: String, _ request: EngineRequest) async throws -> LogicalResponse {
        guard let role = try await role(name) else { throw CustosError.badRequest("unknown role: \(name)") }
        guard let config = try await connection() else {
            throw CustosError.badRequest("configure the connection first: write config/connection")
        }
        let lease = try await leaseConfig()
        let caps = [lease.leaseMax, request.mount.config.maxLeaseTTL, context.system.maxLeaseTTL].filter { $0 > 0 }
        let ttl = min(lease.lease, caps.min() ?? lease.lease)
        var random = SystemRandomNumberGenerator()
        let username = Self.username(displayName: request.caller?.displayName ?? "", now: context.clock.now, random: &random)
        let password = UUID().uuidString.lowercased()
        let planned = CredentialLeaseData(connection: Self.connectionName, role: name, username: username)
        let ticket = try await context.leases.beginIssue(for: request, keeping: planned)
        let client = try await connections.ready(Self.connectionName, config: config)
        do {
            _ = try await client.newUser(NewUserRequest(
                connection: connections.connectionID(Self.connectionName), username: username, password: password,
                expiration: context.clock.now.addingTimeInterval(Double(ttl)), statements: [role.sql]))
        } catch {
            throw DatabaseEngineError.api(error, doing: "failed to create credentials")
        }
        return LogicalResponse(
            data: ["username": username, "password": password],
            secret: try ResponseSecret(
                ttl: VaultDuration(seconds: ttl), maxTTL: VaultDuration(seconds: lease.leaseMax), renewable: true,
                keeping: planned, ticket: ticket))
    }

    func revoke(_ lease: LeaseEntry) async throws {
        guard let data = lease.secretData.decoded(as: CredentialLeaseData.self), let config = try await connection() else {
            throw CustosError(.internal, "lease \(lease.id) cannot be revoked: the connection is not configured")
        }
        let statements = try await role(data.role).flatMap { $0.revocationSQL.isEmpty ? nil : [$0.revocationSQL] } ?? []
        let client = try await connections.ready(Self.connectionName, config: config)
        do {
            try await client.revokeUser(RevokeUserRequest(
                connection: connections.connectionID(Self.connectionName), username: data.username, statements: statements))
        } catch {
            throw DatabaseEngineError.api(error, doing: "failed to revoke credentials")
        }
    }

    func renew(_ lease: LeaseEntry, ttl: VaultDuration) async throws {
        guard let data = lease.secretData.decoded(as: CredentialLeaseData.self), let config = try await connection() else {
            throw LeaseError(.notRenewable, "lease \(lease.id) cannot be renewed: the connection is not configured")
        }
        let client = try await connections.ready(Self.connectionName, config: config)
        do {
            try await client.renewUser(RenewUserRequest(
                connection: connections.connectionID(Self.connectionName), username: data.username,
                expiration: context.clock.now.addingTimeInterval(Double(ttl.seconds))))
        } catch {
            throw DatabaseEngineError.api(error, doing: "failed to renew credentials")
        }
    }
}
