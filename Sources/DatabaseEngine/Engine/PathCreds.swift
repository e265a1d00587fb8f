import CustosCore
import DatabasePluginProtocol
import Foundation
import PluginHost

/// `creds/<role>`: a new database user with a generated username and password, valid until the
/// lease's expiry, leased through the core's expiration manager. Crash-safe: the write-ahead
/// record naming the user is stored before the plugin creates it, so a crash at any point leaves
/// no database user that no lease (or roll-back) covers.
extension DatabaseEngine {
    var credsPaths: [EnginePath] {
        [
            EnginePath("creds/{name}", help: "Request database credentials for a role.", operations: [
                .read: { request, match in try await issue(role: try Self.requireName(match["name"], "role name"), request) },
            ]),
        ]
    }

    /// The generated username is logged in clear by audit devices (the password is HMAC-ed), so
    /// that a role seen in the database leads back to the request, token and lease behind it.
    static let auditNonHMACResponseKeys = AuditNonHMACKeys([
        "creds/{name}": ["username"],
        "static-creds/{name}": ["username"],
    ])

    struct IssuedCredentials: Encodable {
        var username: String
        var password: String
    }

    func issue(role name: String, _ request: EngineRequest) async throws -> LogicalResponse {
        guard let role = try await role(name) else { throw CustosError.badRequest("unknown role: \(name)") }
        guard let config = try await connection(role.dbName) else {
            throw CustosError.badRequest("could not find database connection \"\(role.dbName)\" for role \"\(name)\"")
        }
        guard config.allows(role: name) else {
            throw CustosError.badRequest("\"\(name)\" is not an allowed role")
        }
        try await settleRotation(role.dbName)
        let client = try await connections.ready(role.dbName, config: config)
        let ttl = leaseTTL(role, mount: request.mount)
        let pluginDefault = await connections.defaultUsernameTemplate(config)
        let username = try credentials.username(
            template: config.usernameTemplate, pluginDefault: pluginDefault,
            displayName: request.caller?.displayName ?? "", roleName: name)
        let password = try await credentials.password(policy: config.passwordPolicy)
        let planned = CredentialLeaseData(connection: role.dbName, role: name, username: username)
        let ticket = try await context.leases.beginIssue(for: request, keeping: planned)
        let created: NewUserResult
        do {
            created = try await client.newUser(NewUserRequest(
                connection: connections.connectionID(role.dbName), username: username, password: password,
                expiration: context.clock.now.addingTimeInterval(Double(ttl)), statements: role.creationStatements,
                rollbackStatements: role.rollbackStatements))
        } catch {
            throw DatabaseEngineError.api(error, doing: "failed to create database credentials")
        }
        let issued = CredentialLeaseData(connection: role.dbName, role: name, username: created.username)
        return LogicalResponse(
            data: IssuedCredentials(username: created.username, password: password),
            secret: try ResponseSecret(
                ttl: VaultDuration(seconds: ttl), maxTTL: role.maxTTL > 0 ? VaultDuration(seconds: role.maxTTL) : nil,
                renewable: true, keeping: issued, ticket: ticket))
    }

    /// Vault's `CalculateTTL`: the role's default, else the mount's, else the system's; capped by
    /// the role's max, the mount's max and the system max. The database user's `VALID UNTIL`
    /// is the lease's expiry.
    func leaseTTL(_ role: DatabaseRole, mount: MountEntry) -> Int64 {
        let system = context.system
        let mountDefault = mount.config.defaultLeaseTTL > 0 ? mount.config.defaultLeaseTTL : system.defaultLeaseTTL
        var ttl = role.defaultTTL > 0 ? role.defaultTTL : mountDefault
        let caps = [role.maxTTL, mount.config.maxLeaseTTL, system.maxLeaseTTL].filter { $0 > 0 }
        if let cap = caps.min() { ttl = min(ttl, cap) }
        return ttl
    }

    // MARK: The lease's life: renewal and revocation through the plugin.

    func revoke(_ lease: LeaseEntry) async throws {
        guard let data = lease.secretData.decoded(as: CredentialLeaseData.self) else {
            throw CustosError(.internal, "lease \(lease.id) has no database user to revoke")
        }
        guard let config = try await connection(data.connection) else {
            throw CustosError(.internal, "the connection \"\(data.connection)\" of lease \(lease.id) no longer exists")
        }
        let statements = try await role(data.role)?.revocationStatements ?? []
        try await settleRotation(data.connection)
        let client = try await connections.ready(data.connection, config: config)
        do {
            try await client.revokeUser(RevokeUserRequest(
                connection: connections.connectionID(data.connection), username: data.username, statements: statements))
        } catch {
            throw DatabaseEngineError.api(error, doing: "failed to revoke database user")
        }
    }

    func renew(_ lease: LeaseEntry, ttl: VaultDuration) async throws {
        guard let data = lease.secretData.decoded(as: CredentialLeaseData.self), let config = try await connection(data.connection) else {
            throw LeaseError(.notRenewable, "lease \(lease.id) cannot be renewed: its connection is gone")
        }
        let statements = try await role(data.role)?.renewStatements ?? []
        let client = try await connections.ready(data.connection, config: config)
        do {
            try await client.renewUser(RenewUserRequest(
                connection: connections.connectionID(data.connection), username: data.username,
                expiration: context.clock.now.addingTimeInterval(Double(ttl.seconds)), statements: statements))
        } catch {
            throw DatabaseEngineError.api(error, doing: "failed to renew database user")
        }
    }
}
