import CustosCore
import CustosJSON
import Foundation

/// `custos server -dev -dev-database-url=postgresql://user:password@host:port/db`: the dev server
/// comes up with `database/` mounted, a connection `postgres` to that database (its URL templated,
/// the credentials given apart, as the guides write it) and the guides' `readonly` role, so that
/// `read database/creds/readonly` is the first thing a newcomer can run. Configured through the
/// core's own API, as an admin would.
enum DevDatabase {
    static let readonlySQL = """
        CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';
        GRANT SELECT ON ALL TABLES IN SCHEMA public TO "{{name}}";
        """

    struct SetupError: Error, CustomStringConvertible {
        var description: String
    }

    /// The URL split into a templated URL and its credentials; nil unless it is a postgres URL
    /// with a user and a password.
    static func split(_ url: String) -> (templated: String, username: String, password: String)? {
        guard var components = URLComponents(string: url), ["postgres", "postgresql"].contains(components.scheme ?? ""),
              let user = components.user, !user.isEmpty, let password = components.password else { return nil }
        components.user = nil
        components.password = nil
        guard let rest = components.string, let schemeEnd = rest.range(of: "://") else { return nil }
        return (rest[..<schemeEnd.upperBound] + "{{username}}:{{password}}@" + rest[schemeEnd.upperBound...], user, password)
    }

    static func configure(core: Core, rootToken: String, url: String) async throws {
        guard let (templated, username, password) = split(url) else {
            throw SetupError(description: "-dev-database-url must be postgresql://user:password@host:port/database")
        }
        func call(_ path: String, _ body: [String: JSONValue]) async throws {
            let encoded = try JSONEncoder().encode(body)
            do {
                _ = try await core.handle(LogicalRequest(operation: .update, path: path, body: encoded, clientToken: rootToken))
            } catch {
                throw SetupError(description: "configuring \(path) failed: \(error.description)")
            }
        }
        try await call("sys/mounts/database", ["type": "database", "description": "dev mode: a PostgreSQL connection"])
        try await call("database/config/postgres", [
            "plugin_name": "postgresql-database-plugin", "connection_url": .string(templated),
            "username": .string(username), "password": .string(password), "allowed_roles": "readonly",
        ])
        try await call("database/roles/readonly", [
            "db_name": "postgres", "creation_statements": .string(readonlySQL), "default_ttl": "1h", "max_ttl": "24h",
        ])
    }
}
