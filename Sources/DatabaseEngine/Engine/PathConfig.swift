import CustosCore
import CustosJSON
import Foundation
import PluginHost

/// `config/<name>` (create, update, read, delete) and LIST `config/`: the connections.
extension DatabaseEngine {
    /// The engine's own fields; every other key is the plugin's (`connection_url`, `username`,
    /// `password`, `max_open_connections`, ...) and goes to `Initialize`.
    struct ConfigParameters: Decodable, OpenParameters {
        var pluginName: String?
        var pluginVersion: String?
        var verifyConnection: VaultBool?
        var allowedRoles: CommaSeparatedList?
        var rootRotationStatements: StatementList?
        var passwordPolicy: String?
        var usernameTemplate: String?
        var disableEscaping: VaultBool?

        static let names: Set<String> = [
            "plugin_name", "plugin_version", "verify_connection", "allowed_roles", "root_rotation_statements",
            "password_policy", "username_template", "disable_escaping",
        ]
    }

    struct DeleteParameters: Decodable {
        var force: VaultBool?
    }

    /// What `config/<name>` shows, in Vault's field names; never a password.
    struct ShownConfig: Encodable {
        var plugin_name: String
        var plugin_version: String
        var verify_connection: Bool
        var allowed_roles: [String]
        var root_credentials_rotate_statements: [String]
        var password_policy: String
        var username_template: String
        var disable_escaping: Bool
        var connection_details: [String: JSONValue]
    }

    var configPaths: [EnginePath] {
        [
            EnginePath("config/", help: "List the configured connections.", operations: [
                .list: { _, _ in try await names(under: "config/") },
            ]),
            EnginePath(
                "config/{name}", help: "Configure a connection to a database through its plugin.",
                operations: [
                    .read: { _, match in try await readConfig(try Self.requireName(match["name"], "connection name")) },
                    .update: EnginePath.typed(ConfigParameters.self) { request, match, parameters in
                        try await writeConfig(try Self.requireName(match["name"], "connection name"), parameters, request)
                    },
                    .delete: EnginePath.typed(DeleteParameters.self) { _, match, parameters in
                        try await deleteConfig(try Self.requireName(match["name"], "connection name"), force: parameters.force?.value ?? false)
                    },
                ],
                exists: { _, match in try await connection(match["name"]) != nil }),
        ]
    }

    func readConfig(_ name: String) async throws -> LogicalResponse {
        guard let config = try await connection(name) else { throw CustosError(.notFound, messages: []) }
        // Vault and OpenBao show the template among the plugin's fields (their plugins make the
        // usernames); clients read it there.
        var details = config.redactedDetails
        if !config.usernameTemplate.isEmpty { details["username_template"] = .string(config.usernameTemplate) }
        return LogicalResponse(data: ShownConfig(
            plugin_name: config.pluginName, plugin_version: config.pluginVersion,
            verify_connection: config.verifyConnection, allowed_roles: config.allowedRoles,
            root_credentials_rotate_statements: config.rootRotationStatements, password_policy: config.passwordPolicy,
            username_template: config.usernameTemplate, disable_escaping: config.disableEscaping,
            connection_details: details))
    }

    func writeConfig(_ name: String, _ parameters: ConfigParameters, _ request: EngineRequest) async throws -> LogicalResponse {
        let existing = try await connection(name)
        var config: ConnectionConfig
        if let existing {
            config = existing
            if let plugin = parameters.pluginName, !plugin.isEmpty { config.pluginName = plugin }
        } else {
            guard let plugin = parameters.pluginName, !plugin.isEmpty else {
                throw CustosError.badRequest("plugin_name must be provided")
            }
            config = ConnectionConfig(pluginName: plugin)
        }
        if let version = parameters.pluginVersion { config.pluginVersion = version }
        if let verify = parameters.verifyConnection { config.verifyConnection = verify.value }
        if let roles = parameters.allowedRoles { config.allowedRoles = roles.values }
        if let statements = parameters.rootRotationStatements { config.rootRotationStatements = statements.statements }
        if let policy = parameters.passwordPolicy { config.passwordPolicy = policy }
        if let template = parameters.usernameTemplate {
            try CredentialGenerator.validate(usernameTemplate: template)
            config.usernameTemplate = template
        }
        if let escaping = parameters.disableEscaping { config.disableEscaping = escaping.value }
        guard try await catalog.get(config.pluginName) != nil else {
            throw CustosError.badRequest("error creating database object: plugin \"\(config.pluginName)\" is not in the catalog")
        }

        // The plugin's fields: on create exactly what was sent, on update merged over the stored
        // ones (so `password` need not be sent again), as Vault does.
        var details = existing?.details ?? [:]
        for (key, value) in try request.dataObject() where !ConfigParameters.names.contains(key) {
            details[key] = value
        }
        details["disable_escaping"] = config.disableEscaping ? .bool(true) : nil
        do {
            config.details = try await connections.initialize(name, config: config, details: details, verify: config.verifyConnection)
        } catch {
            // Nothing is stored: a connection that does not work is not a connection.
            throw DatabaseEngineError.api(error, doing: "error creating database object", badRequest: true)
        }
        try await save(config, name: name)
        var warnings: [String] = []
        if config.hasLiteralPasswordInURL {
            warnings.append("Password found in connection_url, use a templated url to enable root rotation and prevent read access to password information.")
        }
        return LogicalResponse(warnings: warnings)
    }

    /// Refused while leases still depend on the connection (their revocation needs it), unless
    /// `force=true`, which revokes them first. Vault deletes anyway and orphans them.
    func deleteConfig(_ name: String, force: Bool) async throws -> LogicalResponse {
        guard try await connection(name) != nil else { return .noContent }
        let dependent = try await context.leases.leases(of: context.mount, under: "creds/").filter {
            $0.secretData.decoded(as: CredentialLeaseData.self)?.connection == name
        }
        if !dependent.isEmpty {
            guard force else {
                throw CustosError.badRequest(
                    "connection \"\(name)\" still has \(dependent.count) outstanding lease(s); revoke them first or delete with force=true to revoke them now")
            }
            for lease in dependent {
                do {
                    try await context.leases.revoke(lease.id)
                } catch {
                    throw DatabaseEngineError.api(error, doing: "could not revoke lease \(lease.id) before deleting the connection")
                }
            }
        }
        await connections.close(name)
        try await storage.delete(ConnectionConfig.storageKey(name))
        return .noContent
    }
}
