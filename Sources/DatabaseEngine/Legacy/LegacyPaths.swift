import CustosCore
import CustosJSON
import DatabasePluginProtocol
import Foundation
import VaultAPI

/// The legacy paths, in the old backend's shapes.
extension LegacyPostgreSQLEngine {
    struct ConnectionParameters: Decodable {
        var connectionUrl: String?
        /// The old page's spelling: `value="host=... sslmode=disable"`.
        var value: String?
        var maxOpenConnections: VaultInt?
        var maxIdleConnections: VaultInt?
        var verifyConnection: VaultBool?
    }

    struct LeaseParameters: Decodable {
        var lease: VaultDuration?
        var leaseMax: VaultDuration?
    }

    struct RoleParameters: Decodable {
        var sql: String?
        var revocationSql: String?
        /// The old page writes `name=production`; the name is the path's.
        var name: String?
    }

    var configPaths: [EnginePath] {
        [
            EnginePath("config/connection", help: "The PostgreSQL connection (a URL or key=value conninfo).", operations: [
                .update: EnginePath.typed(ConnectionParameters.self) { _, _, parameters in try await writeConnection(parameters) },
                .read: { _, _ in
                    guard let config = try await connection() else { throw CustosError(.notFound, messages: []) }
                    return LogicalResponse(data: [
                        "max_open_connections": config.details["max_open_connections"] ?? .int(2),
                        "max_idle_connections": config.details["max_idle_connections"] ?? .int(0),
                        "verify_connection": .bool(config.verifyConnection),
                    ] as [String: JSONValue])
                },
            ]),
            EnginePath("config/lease", help: "The lease of new credentials and its maximum.", operations: [
                .update: EnginePath.typed(LeaseParameters.self) { _, _, parameters in
                    guard let lease = parameters.lease, let leaseMax = parameters.leaseMax else {
                        throw CustosError.badRequest("both lease and lease_max are required")
                    }
                    try await storage.put("config/lease", try JSONEncoder().encode(LeaseConfig(lease: lease.seconds, leaseMax: leaseMax.seconds)))
                    return .noContent
                },
                .read: { _, _ in
                    let config = try await leaseConfig()
                    return LogicalResponse(data: [
                        "lease": VaultDuration(seconds: config.lease).goString, "lease_max": VaultDuration(seconds: config.leaseMax).goString,
                    ])
                },
            ]),
        ]
    }

    func writeConnection(_ parameters: ConnectionParameters) async throws -> LogicalResponse {
        guard let url = parameters.connectionUrl ?? parameters.value, !url.isEmpty else {
            throw CustosError.badRequest("connection_url parameter must be supplied")
        }
        var config = ConnectionConfig(pluginName: Self.pluginName)
        config.allowedRoles = ["*"]
        config.verifyConnection = parameters.verifyConnection?.value ?? true
        var details: [String: JSONValue] = ["connection_url": .string(url)]
        details["max_open_connections"] = .int(Int64(parameters.maxOpenConnections?.value ?? 2))
        if let idle = parameters.maxIdleConnections { details["max_idle_connections"] = .int(Int64(idle.value)) }
        await connections.close(Self.connectionName)
        do {
            config.details = try await connections.initialize(Self.connectionName, config: config, details: details, verify: config.verifyConnection)
        } catch {
            throw DatabaseEngineError.api(error, doing: "error validating connection info", badRequest: true)
        }
        try await storage.put("config/connection", try JSONEncoder().encode(config))
        return .noContent
    }

    var rolePaths: [EnginePath] {
        [
            EnginePath("roles/", help: "List the roles.", operations: [
                .list: { _, _ in
                    let keys = try await storage.list(prefix: "role/").filter { !$0.hasSuffix("/") }
                    guard !keys.isEmpty else { throw CustosError(.notFound, messages: []) }
                    return LogicalResponse(data: KeyList(keys: keys))
                },
            ]),
            EnginePath("roles/{name}", help: "A role: the SQL that creates (and drops) its users.", operations: [
                .update: EnginePath.typed(RoleParameters.self) { _, match, parameters in
                    let sql = parameters.sql.flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0 } ?? Self.defaultSQL
                    let role = LegacyRole(sql: sql, revocationSQL: parameters.revocationSql ?? "")
                    try await storage.put("role/" + match["name"], try JSONEncoder().encode(role))
                    return .noContent
                },
                .read: { _, match in
                    guard let role = try await role(match["name"]) else { throw CustosError(.notFound, messages: []) }
                    return LogicalResponse(data: ["sql": role.sql, "revocation_sql": role.revocationSQL])
                },
                .delete: { _, match in
                    try await storage.delete("role/" + match["name"])
                    return .noContent
                },
            ], exists: { _, match in try await role(match["name"]) != nil }),
        ]
    }
}

extension VaultDuration {
    /// Go's `time.Duration.String()` (`1h0m0s`, `30m0s`, `45s`), as the old backend printed leases.
    var goString: String {
        let (h, m, s) = (seconds / 3600, (seconds % 3600) / 60, seconds % 60)
        if h > 0 { return "\(h)h\(m)m\(s)s" }
        if m > 0 { return "\(m)m\(s)s" }
        return "\(s)s"
    }
}
