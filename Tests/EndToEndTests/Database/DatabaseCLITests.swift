import CustosCore
import CustosJSON
import CustosTesting
import Foundation
import Testing

/// The guide's commands with the `custos` CLI in place of `vault`, against a real PostgreSQL;
/// and disabling the mount takes its credentials and its plugin connections with it.
@Suite("database engine with the custos CLI")
struct DatabaseCLITests {
    @Test func theGuideWithCustosThenDisableTheMount() async throws {
        let pg = try TestPostgres.fromEnvironment()
        let rootUser = try await pg.makeRootUser()
        try await withCLISession { session in
            let sqlFile = session.home.appendingPathComponent("readonly.sql")
            try DatabaseEngineEndToEndTests.readonlySQL.write(to: sqlFile, atomically: true, encoding: .utf8)

            let enabled = try await session.run(["secrets", "enable", "database"])
            #expect(enabled.exitCode == 0, "\(enabled.stderr)")
            #expect(enabled.stdout == "Success! Enabled the database secrets engine at: database/\n")
            let config = try await session.run([
                "write", "database/config/pg", "plugin_name=postgresql-database-plugin",
                "connection_url=\(pg.templatedURL)", "username=\(rootUser.name)", "password=\(rootUser.password)",
                "allowed_roles=readonly",
            ])
            #expect(config.exitCode == 0, "\(config.stderr)")
            let role = try await session.run([
                "write", "database/roles/readonly", "db_name=pg", "creation_statements=@\(sqlFile.path)",
                "default_ttl=1h", "max_ttl=24h",
            ])
            #expect(role.exitCode == 0, "\(role.stderr)")

            let creds = try await session.run(["read", "-format=json", "database/creds/readonly"])
            #expect(creds.exitCode == 0, "\(creds.stderr)")
            let json = try JSONDecoder().decode([String: JSONValue].self, from: Data(creds.stdout.utf8))
            let username = try #require(json["data"]?.objectValue?["username"]?.stringValue)
            let password = try #require(json["data"]?.objectValue?["password"]?.stringValue)
            let leaseID = try #require(json["lease_id"]?.stringValue)
            #expect(leaseID.hasPrefix("database/creds/readonly/"))
            #expect(try await pg.canLogIn(username, password))

            let table = try await session.run(["read", "database/creds/readonly"])
            #expect(cliTableRows(table.stdout).map(\.key) == ["lease_id", "lease_duration", "lease_renewable", "password", "username"])
            let tableUser = try #require(cliTableRows(table.stdout).first { $0.key == "username" }?.value)

            let renewed = try await session.run(["lease", "renew", leaseID])
            #expect(renewed.exitCode == 0, "\(renewed.stderr)")
            // As in Vault, `lease revoke` without `-sync` queues the revocation and returns.
            let revoked = try await session.run(["lease", "revoke", leaseID])
            #expect(revoked.exitCode == 0, "\(revoked.stderr)")
            #expect(revoked.stdout.contains("All revocation operations queued successfully!"))
            try await DatabaseClients.eventually("the revoked role to be dropped") { try await !pg.roleExists(username) }

            // Disabling the mount revokes what it issued and closes its connections to the database.
            #expect(try await pg.roleExists(tableUser))
            let sessionsBefore = try await pg.rows("SELECT count(*) FROM pg_stat_activity WHERE usename = '\(rootUser.name)'")
            #expect(sessionsBefore != ["0"])
            #expect(try await children(of: session.server.pid) != [], "the plugin runs as the server's child")
            let disabled = try await session.run(["secrets", "disable", "database"])
            #expect(disabled.exitCode == 0, "\(disabled.stderr)")
            #expect(try await pg.roleExists(tableUser) == false)
            try await DatabaseClients.eventually("the plugin's connections to close") {
                try await pg.rows("SELECT count(*) FROM pg_stat_activity WHERE usename = '\(rootUser.name)'") == ["0"]
            }
            // No mount uses the plugin any more: its process, which held the root credentials, is gone.
            try await DatabaseClients.eventually("the plugin process to exit") { try await children(of: session.server.pid).isEmpty }
        }
    }

    private func children(of pid: Int32) async throws -> [String] {
        let result = try await ChildProcess.run(executable: URL(fileURLWithPath: "/usr/bin/pgrep"), arguments: ["-P", String(pid)])
        return result.stdout.split(separator: "\n").map(String.init)
    }
}
