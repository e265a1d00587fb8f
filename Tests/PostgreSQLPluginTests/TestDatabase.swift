import DatabasePluginKit
import Foundation
import Testing

@testable import PostgreSQLDatabasePlugin

/// The PostgreSQL server the tests use: `CUSTOS_TEST_PG_URL` (set by scripts/test), a superuser
/// URL such as `postgresql://custos:pw@127.0.0.1:5432/postgres?sslmode=disable`.
struct TestDatabase: Sendable {
    let host: String
    let port: Int
    let database: String
    let user: String
    let password: String

    static func fromEnvironment() throws -> TestDatabase {
        guard let url = ProcessInfo.processInfo.environment["CUSTOS_TEST_PG_URL"], !url.isEmpty else {
            Issue.record("CUSTOS_TEST_PG_URL is not set: run these tests through ./scripts/test, which starts a throwaway PostgreSQL and sets it")
            throw TestSetupError.noDatabase
        }
        guard let components = URLComponents(string: url), let host = components.host,
              let user = components.user, let password = components.password
        else {
            Issue.record("CUSTOS_TEST_PG_URL is not a postgresql:// URL with user and password")
            throw TestSetupError.noDatabase
        }
        let path = components.path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        return TestDatabase(
            host: host, port: components.port ?? 5432, database: path.isEmpty ? "postgres" : path,
            user: user.removingPercentEncoding ?? user, password: password.removingPercentEncoding ?? password)
    }

    /// A connection_url template; `applicationName` tags the plugin's sessions for one test.
    func urlTemplate(sslmode: String = "disable", port: Int? = nil, applicationName: String? = nil) -> String {
        var url = "postgresql://{{username}}:{{password}}@\(host):\(port ?? self.port)/\(database)?sslmode=\(sslmode)"
        if let applicationName { url += "&application_name=\(applicationName)" }
        return url
    }

    func config(
        username: String? = nil, password: String? = nil, applicationName: String? = nil, extra: PluginConfig = [:]
    ) -> PluginConfig {
        var config: PluginConfig = [
            "connection_url": .string(urlTemplate(applicationName: applicationName)),
            "username": .string(username ?? user),
            "password": .string(password ?? self.password),
        ]
        config.merge(extra) { _, new in new }
        return config
    }

    /// A libpq URL for logging in as `user`.
    func loginURL(user: String, password: String) -> String {
        "postgresql://\(ConnectionString.percentEncoded(user)):\(ConnectionString.percentEncoded(password))@\(host):\(port)/\(database)?sslmode=disable&connect_timeout=5"
    }
}

enum TestSetupError: Error {
    case noDatabase
    case pluginBinaryMissing
}

/// Unique names so tests can run in parallel against one server.
func uniqueName(_ prefix: String) -> String {
    "\(prefix)_\(UUID().uuidString.prefix(8).lowercased())"
}

/// A superuser session for setting up and checking, on the plugin's own libpq layer (which
/// keeps the blocking calls off Swift's cooperative threads).
struct AdminSession: Sendable {
    let database: TestDatabase
    private let pool: ConnectionPool

    init(_ database: TestDatabase) {
        self.database = database
        let target = ConnectTarget(
            parameters: [ConnectionParameter(keyword: "dbname", value: database.loginURL(user: database.user, password: database.password))],
            redactor: SecretRedactor([database.password]))
        pool = ConnectionPool(name: "admin", limits: PoolLimits(maxOpen: 2, maxIdle: 2, maxLifetime: nil), target: target)
    }

    @discardableResult
    func query(_ sql: String, _ parameters: [String]? = nil) async throws -> [[String?]] {
        try await StatementRunner(pool: pool).perform(idempotent: true) { connection, _ throws(AttemptFailure) in
            try StatementRunner.single(sql, parameters: parameters, on: connection, redactor: SecretRedactor([]))
        }
    }

    func roleExists(_ role: String) async throws -> Bool {
        try await !query("SELECT 1 FROM pg_roles WHERE rolname = $1", [role]).isEmpty
    }

    /// `rolvaliduntil` as text in UTC.
    func validUntil(_ role: String) async throws -> String? {
        try await query(
            "SELECT to_char(rolvaliduntil AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') FROM pg_roles WHERE rolname = $1", [role]
        ).first?.first ?? nil
    }

    func close() async {
        await pool.close()
    }
}

/// Logs in as a user and runs one query; throws the login or query failure.
func runAs(_ database: TestDatabase, user: String, password: String, _ sql: String) async throws(PostgreSQLFailure) -> [[String?]] {
    let session = try await PooledConnection.open(
        parameters: [("dbname", database.loginURL(user: user, password: password))],
        redactor: SecretRedactor([]), generation: 0, name: "test-login")
    defer { session.close() }
    return try await session.withConnection { connection throws(PostgreSQLFailure) in
        try connection.execute(sql, redactor: SecretRedactor([]))
    }
}

/// A plugin with one initialised connection.
func initializedPlugin(
    _ database: TestDatabase, connection: String = "db", config: PluginConfig? = nil
) async throws -> PostgreSQLPlugin {
    let plugin = PostgreSQLPlugin()
    _ = try await plugin.initialize(
        InitializeRequest(connection: connection, config: config ?? database.config(), verifyConnection: true))
    return plugin
}

let creationStatements = [
    #"CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';"#
        + #" GRANT SELECT ON ALL TABLES IN SCHEMA public TO "{{name}}";"#
]

@discardableResult
func expectPluginError(_ kind: PluginErrorKind, _ body: () async throws -> Void) async -> PluginError? {
    do {
        try await body()
        Issue.record("expected a PluginError of kind \(kind), got success")
        return nil
    } catch let error as PluginError {
        #expect(error.kind == kind, "\(error)")
        return error
    } catch {
        Issue.record("expected a PluginError of kind \(kind), got \(type(of: error))")
        return nil
    }
}
