import CustosCore
import CustosJSON
import Foundation

/// `roles/<name>` (create, update, read, delete) and LIST `roles/`: dynamic roles.
extension DatabaseEngine {
    struct RoleParameters: Decodable {
        var dbName: String?
        var defaultTtl: VaultDuration?
        var maxTtl: VaultDuration?
        var creationStatements: StatementList?
        var revocationStatements: StatementList?
        var rollbackStatements: StatementList?
        var renewStatements: StatementList?
        var credentialType: String?
        var credentialConfig: [String: JSONValue]?
    }

    var rolePaths: [EnginePath] {
        [
            EnginePath("roles/", help: "List the dynamic roles.", operations: [
                .list: { _, _ in try await names(under: "role/") },
            ]),
            EnginePath(
                "roles/{name}", help: "Manage a role that creates database credentials on demand.",
                operations: [
                    .read: { _, match in
                        guard let role = try await role(try Self.requireName(match["name"], "role name")) else {
                            throw CustosError(.notFound, messages: [])
                        }
                        return LogicalResponse(data: role.shown)
                    },
                    .update: EnginePath.typed(RoleParameters.self) { _, match, parameters in
                        try await writeRole(try Self.requireName(match["name"], "role name"), parameters)
                    },
                    .delete: { _, match in
                        try await storage.delete(DatabaseRole.storageKey(try Self.requireName(match["name"], "role name")))
                        return .noContent
                    },
                ],
                exists: { _, match in try await role(match["name"]) != nil }),
        ]
    }

    func writeRole(_ name: String, _ parameters: RoleParameters) async throws -> LogicalResponse {
        if try await staticRoleExists(name) {
            throw CustosError.badRequest("Role and Static Role names must be unique")
        }
        var role: DatabaseRole
        if let existing = try await self.role(name) {
            role = existing
            if let db = parameters.dbName, !db.isEmpty { role.dbName = db }
        } else {
            guard let db = parameters.dbName, !db.isEmpty else { throw CustosError.badRequest("empty database name attribute") }
            role = DatabaseRole(dbName: db)
        }
        if let ttl = parameters.defaultTtl { role.defaultTTL = ttl.seconds }
        if let ttl = parameters.maxTtl { role.maxTTL = ttl.seconds }
        if let list = parameters.creationStatements { role.creationStatements = list.statements }
        if let list = parameters.revocationStatements { role.revocationStatements = list.statements }
        if let list = parameters.rollbackStatements { role.rollbackStatements = list.statements }
        if let list = parameters.renewStatements { role.renewStatements = list.statements }
        if let type = parameters.credentialType, !type.isEmpty {
            guard type == "password" else {
                throw CustosError.badRequest("credential_type \"\(type)\" is not supported: Custos issues password credentials")
            }
            role.credentialType = type
        }
        if let config = parameters.credentialConfig { role.credentialConfig = config }
        if role.maxTTL > 0, role.defaultTTL > role.maxTTL {
            throw CustosError.badRequest("ttl cannot be greater than max_ttl")
        }
        guard !role.creationStatements.isEmpty else {
            throw CustosError.badRequest("creation_statements are required: the SQL that creates the user, with {{name}}, {{password}} and {{expiration}}")
        }
        try await storage.put(DatabaseRole.storageKey(name), try JSONEncoder().encode(role))
        return .noContent
    }

    /// Static roles share the namespace.
    func staticRoleExists(_ name: String) async throws -> Bool {
        try await storage.get(StaticRole.storageKey(name)) != nil
    }
}
