package import CustosCore
import Foundation
package import PluginHost

/// Vault's pre-0.7 `postgresql` secrets engine, so that its documentation runs as written:
/// `config/connection`, `config/lease`, `roles/<name>` (`sql`, `revocation_sql`) and
/// `creds/<name>`. Built on the same plugin path as `database` (one connection, served by
/// `postgresql-database-plugin`); no second PostgreSQL client in the core.
struct LegacyPostgreSQLEngine: SecretsEngine {
    static let pluginName = "postgresql-database-plugin"
    static let connectionName = "connection"
    /// What a role written without `sql` creates (the old page's `roles/production name=production`).
    static let defaultSQL = #"CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';"#

    let storage: any StorageBackend
    let context: EngineContext
    let connections: ConnectionManager

    init(context: EngineContext, supervisor: PluginSupervisor) {
        self.storage = context.storage
        self.context = context
        self.connections = ConnectionManager(supervisor: supervisor, mountAccessor: context.mount.accessor)
    }

    var paths: EnginePathTable {
        EnginePathTable(configPaths + rolePaths + credsPaths)
    }

    func handle(_ request: EngineRequest) async throws -> LogicalResponse { try await paths.handle(request) }
    func exists(_ request: EngineRequest) async throws -> Bool? { try await paths.exists(request) }
    func stop() async { await connections.closeAll() }

    /// The stored connection, as a `database` connection with the one plugin it can use.
    func connection() async throws -> ConnectionConfig? {
        guard let data = try await storage.get("config/connection") else { return nil }
        return try JSONDecoder().decode(ConnectionConfig.self, from: data)
    }

    /// `config/lease`: the TTL of new credentials (default 1h) and the most a renewal reaches.
    struct LeaseConfig: Codable, Equatable {
        var lease: Int64 = 3600
        var leaseMax: Int64 = 24 * 3600
    }

    func leaseConfig() async throws -> LeaseConfig {
        guard let data = try await storage.get("config/lease") else { return LeaseConfig() }
        return try JSONDecoder().decode(LeaseConfig.self, from: data)
    }

    struct LegacyRole: Codable, Equatable {
        var sql: String
        var revocationSQL: String
    }

    func role(_ name: String) async throws -> LegacyRole? {
        guard let data = try await storage.get("role/" + name) else { return nil }
        return try JSONDecoder().decode(LegacyRole.self, from: data)
    }
}

/// The legacy engine kind (`secrets enable postgresql`, `mount postgresql`).
package enum LegacyPostgreSQLEngineType {
    package static func make(supervisor: PluginSupervisor) -> SecretsEngineType {
        SecretsEngineType(
            name: "postgresql",
            validateOptions: { options throws(CustosError) in
                if let key = options.keys.sorted().first {
                    throw .badRequest("unknown option \"\(key)\" for the postgresql secrets engine")
                }
            },
            // As the database engine: the generated username in clear in the audit log.
            auditNonHMACResponseKeys: AuditNonHMACKeys(["creds/{name}": ["username"]]),
            make: { context in LegacyPostgreSQLEngine(context: context, supervisor: supervisor) })
    }
}
