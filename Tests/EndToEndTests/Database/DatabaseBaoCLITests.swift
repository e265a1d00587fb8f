import CustosCore
import CustosJSON
import CustosTesting
import Foundation
import Testing

/// The database engine driven with the OpenBao CLI exactly as Vault's database guide does it,
/// checking the CLI's exit codes and output and what happened in PostgreSQL after each step.
@Suite("database engine with the bao CLI")
struct DatabaseBaoCLITests {
    struct Bao {
        let address: String
        let home: URL

        /// Runs `bao`; expects success without any warning (none is due for what the CLI sends).
        func ok(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
            let result = try await DatabaseClients.bao(address, token: "bao-db-root", home: home, arguments)
            #expect(result.exitCode == 0, "bao \(arguments): \(result.stderr)", sourceLocation: sourceLocation)
            // The CLI's banner for warnings (`-format=json` shows `"warnings": null`, checked apart).
            #expect(!(result.stdout + result.stderr).contains("WARNING"),
                    "bao \(arguments): \(result.stdout)\(result.stderr)", sourceLocation: sourceLocation)
            return result.stdout
        }

        func fails(_ arguments: [String]) async throws -> CLI.Result {
            let result = try await DatabaseClients.bao(address, token: "bao-db-root", home: home, arguments)
            #expect(result.exitCode == 2, "bao \(arguments): \(result.stdout)\(result.stderr)")
            return result
        }
    }

    @Test func theDatabaseGuideWithBao() async throws {
        let pg = try TestPostgres.fromEnvironment()
        let root = try await pg.makeRootUser()
        let dir = try TemporaryDirectory()
        let sql = try dir.file("readonly.sql", contents: DatabaseEngineEndToEndTests.readonlySQL)
        let server = try await ServerProcess.startDev(rootToken: "bao-db-root")
        defer { Task { await server.stop() } }
        let bao = Bao(address: server.address, home: dir.url)

        #expect(try await bao.ok(["secrets", "enable", "database"])
            .contains("Success! Enabled the database secrets engine at: database/"))
        let configured = try await bao.ok([
            "write", "database/config/pg", "plugin_name=postgresql-database-plugin", "connection_url=\(pg.templatedURL)",
            "username=\(root.name)", "password=\(root.password)", "allowed_roles=readonly",
        ])
        #expect(configured.contains("Success! Data written to: database/config/pg"))
        #expect(try await bao.ok([
            "write", "database/roles/readonly", "db_name=pg", "creation_statements=@\(sql.path)", "default_ttl=1h", "max_ttl=24h",
        ]).contains("Success! Data written to: database/roles/readonly"))

        // Table output: the CLI's own rows, and a role that logs in until the lease's expiry.
        let table = DatabaseClients.table(try await bao.ok(["read", "database/creds/readonly"]))
        #expect(table["lease_duration"] == "1h")
        #expect(table["lease_renewable"] == "true")
        let tableLease = try #require(table["lease_id"])
        #expect(tableLease.hasPrefix("database/creds/readonly/"))
        let tableUser = try #require(table["username"])
        #expect(tableUser.hasPrefix("v-root-readonly-"))
        #expect(try await pg.canLogIn(tableUser, try #require(table["password"])))
        let validUntil = try #require(try await pg.validUntil(tableUser))
        #expect(abs(validUntil - Date().addingTimeInterval(3600).timeIntervalSince1970) < 60)

        // JSON output: Vault's envelope.
        let json = try DatabaseClients.json(try await bao.ok(["read", "-format=json", "database/creds/readonly"]))
        #expect(json["lease_duration"] == .int(3600))
        #expect(json["renewable"] == .bool(true))
        #expect(json["warnings"] == .null)
        let jsonLease = try #require(json["lease_id"]?.stringValue)
        let jsonUser = try #require(json["data"]?.objectValue?["username"]?.stringValue)
        #expect(try await pg.canLogIn(jsonUser, try #require(json["data"]?.objectValue?["password"]?.stringValue)))

        // Renew moves VALID UNTIL; revoke (the CLI's default is asynchronous) drops the role.
        let renewed = DatabaseClients.table(try await bao.ok(["lease", "renew", "-increment=2h", tableLease]))
        #expect(renewed["lease_id"] == tableLease)
        #expect(renewed["lease_duration"] == "2h")
        let moved = try #require(try await pg.validUntil(tableUser))
        #expect(abs(moved - Date().addingTimeInterval(7200).timeIntervalSince1970) < 60)
        #expect(try await bao.ok(["lease", "renew", tableLease]).contains("lease_renewable"))
        #expect(try await bao.ok(["lease", "revoke", tableLease]).contains("All revocation operations queued successfully!"))
        try await DatabaseClients.eventually("the revoked role to be dropped") { try await !pg.roleExists(tableUser) }
        #expect(try await pg.roleExists(jsonUser))

        // Revoke by prefix: every lease of the role, the one from the JSON read included.
        let third = try #require(DatabaseClients.table(try await bao.ok(["read", "database/creds/readonly"]))["username"])
        #expect(try await bao.ok(["lease", "revoke", "-prefix", "database/creds/readonly"]).contains("All revocation operations queued successfully!"))
        try await DatabaseClients.eventually("the prefix-revoked roles to be dropped") {
            let first = try await pg.roleExists(jsonUser)
            let second = try await pg.roleExists(third)
            return !first && !second
        }
        let gone = try await DatabaseClients.bao(server.address, token: "bao-db-root", home: dir.url, ["lease", "lookup", jsonLease])
        #expect(gone.exitCode != 0)

        // Root rotation: the old password stops working, credentials still issue.
        #expect(try await bao.ok(["write", "-force", "database/rotate-root/pg"]).contains("Success! Data written to: database/rotate-root/pg"))
        #expect(try await pg.canLogIn(root.name, root.password) == false)
        let afterRotation = DatabaseClients.table(try await bao.ok(["read", "database/creds/readonly"]))
        #expect(try await pg.canLogIn(try #require(afterRotation["username"]), try #require(afterRotation["password"])))
        let withoutForce = try await DatabaseClients.bao(server.address, token: "bao-db-root", home: dir.url, ["write", "database/rotate-root/pg"])
        #expect(withoutForce.exitCode == 1)
        #expect(withoutForce.stderr.contains("Must supply data or use -force"))

        // Listing and reading the configuration: no password, rotated or not.
        #expect(try await bao.ok(["list", "database/roles"]).split(separator: "\n") == ["Keys", "----", "readonly"])
        let config = try await bao.ok(["read", "database/config/pg"])
        let rows = DatabaseClients.table(config)
        #expect(rows["plugin_name"] == "postgresql-database-plugin")
        #expect(rows["allowed_roles"] == "[readonly]")
        #expect(rows["connection_details"]?.contains("username:\(root.name)") == true, "\(config)")
        #expect(!config.contains(root.password) && !config.contains("password:"))
        let shown = try DatabaseClients.json(try await bao.ok(["read", "-format=json", "database/config/pg"]))
        let details = try #require(shown["data"]?.objectValue?["connection_details"]?.objectValue)
        #expect(details["connection_url"] == .string(pg.templatedURL))
        #expect(details["password"] == nil)

        // Vault's answers for what is not there.
        #expect(try await bao.fails(["read", "database/roles/nope"]).stderr.contains("No value found at database/roles/nope"))
        #expect(try await bao.fails(["read", "database/creds/nope"]).stderr.contains("unknown role: nope"))
        #expect(try await bao.ok(["delete", "database/roles/nope"]).contains("Success! Data deleted (if it existed) at: database/roles/nope"))
    }
}
