import CustosCore
import CustosTesting
import Foundation
import Testing

/// The throwaway PostgreSQL that `./scripts/test` starts (`CUSTOS_TEST_PG_URL`), driven with
/// `psql` as an admin would: to create test roles and to check what Custos did to the database.
struct TestPostgres: Sendable {
    let host: String
    let port: String
    let adminUser: String
    let adminPassword: String

    static func fromEnvironment() throws -> TestPostgres {
        let url = try #require(ProcessInfo.processInfo.environment["CUSTOS_TEST_PG_URL"], "run through ./scripts/test, which starts PostgreSQL")
        let components = try #require(URLComponents(string: url))
        return TestPostgres(
            host: try #require(components.host), port: String(try #require(components.port)),
            adminUser: try #require(components.user), adminPassword: try #require(components.password))
    }

    static let psql = URL(fileURLWithPath: "/usr/bin/psql")

    /// The connection URL Vault's guides write: credentials templated, given separately.
    var templatedURL: String { "postgresql://{{username}}:{{password}}@\(host):\(port)/postgres?sslmode=disable" }

    /// Runs SQL as `user` (the admin by default); the result rows, `|`-separated.
    func query(_ sql: String, user: String? = nil, password: String? = nil) async throws -> CLI.Result {
        try await ChildProcess.run(executable: Self.psql, arguments: [
            "-h", host, "-p", port, "-U", user ?? adminUser, "-d", "postgres", "-tAX", "-v", "ON_ERROR_STOP=1", "-c", sql,
        ], environment: ["PGPASSWORD": password ?? adminPassword, "PGCONNECT_TIMEOUT": "5"])
    }

    func rows(_ sql: String) async throws -> [String] {
        let result = try await query(sql)
        #expect(result.exitCode == 0, "\(result.stderr)")
        return result.stdout.split(separator: "\n").map(String.init)
    }

    func roleExists(_ name: String) async throws -> Bool {
        try await rows("SELECT 1 FROM pg_roles WHERE rolname = '\(name)'") == ["1"]
    }

    /// `VALID UNTIL` as epoch seconds.
    func validUntil(_ name: String) async throws -> Double? {
        try await rows("SELECT extract(epoch FROM rolvaliduntil) FROM pg_roles WHERE rolname = '\(name)'").first.flatMap(Double.init)
    }

    func canLogIn(_ user: String, _ password: String) async throws -> Bool {
        try await query("SELECT 1", user: user, password: password).exitCode == 0
    }

    /// A login role with CREATEROLE for a test's own connection (so a rotation never touches the
    /// suite's admin user).
    func makeRootUser() async throws -> (name: String, password: String) {
        let name = "custos_root_\(UUID().uuidString.prefix(8).lowercased())"
        let password = UUID().uuidString
        _ = try await rows("CREATE ROLE \(name) WITH LOGIN SUPERUSER PASSWORD '\(password)'")
        return (name, password)
    }
}
