import CustosCore
import CustosJSON
import CustosTesting
import Foundation
import Testing

/// Vault's old "PostgreSQL secret backend" page, command for command, with `custos` and `bao`.
@Suite("legacy postgresql backend")
struct LegacyPostgreSQLTests {
    func conninfo(_ pg: TestPostgres, _ user: (name: String, password: String)) -> String {
        "host=\(pg.host) port=\(pg.port) user=\(user.name) password=\(user.password) dbname=postgres sslmode=disable"
    }

    @Test func theOldPageWithCustos() async throws {
        let pg = try TestPostgres.fromEnvironment()
        let rootUser = try await pg.makeRootUser()
        try await withCLISession { session in
            let mounted = try await session.run(["mount", "postgresql"])
            #expect(mounted.exitCode == 0, "\(mounted.stderr)")
            let connection = try await session.run(["write", "postgresql/config/connection", "value=\(conninfo(pg, rootUser))"])
            #expect(connection.exitCode == 0, "\(connection.stderr)")
            #expect(!(try await session.run(["read", "postgresql/config/connection"])).stdout.contains(rootUser.password))
            let lease = try await session.run(["write", "postgresql/config/lease", "lease=1h", "lease_max=24h"])
            #expect(lease.exitCode == 0, "\(lease.stderr)")
            let role = try await session.run(["write", "postgresql/roles/production", "name=production"])
            #expect(role.exitCode == 0, "\(role.stderr)")

            let creds = try await session.run(["read", "-format=json", "postgresql/creds/production"])
            #expect(creds.exitCode == 0, "\(creds.stderr)")
            let json = try JSONDecoder().decode([String: JSONValue].self, from: Data(creds.stdout.utf8))
            let username = try #require(json["data"]?.objectValue?["username"]?.stringValue)
            let password = try #require(json["data"]?.objectValue?["password"]?.stringValue)
            #expect(username.range(of: #"^vault-root-\d{10}-\d{4}$"#, options: .regularExpression) != nil, "\(username)")
            #expect(UUID(uuidString: password) != nil)
            #expect(json["lease_duration"] == .int(3600))
            #expect(try await pg.canLogIn(username, password))
            let validUntil = try #require(try await pg.validUntil(username))
            #expect(abs(validUntil - Date().addingTimeInterval(3600).timeIntervalSince1970) < 60)

            let leaseID = try #require(json["lease_id"]?.stringValue)
            #expect(try await session.run(["lease", "renew", leaseID]).exitCode == 0)
            // `lease revoke` without `-sync` queues the revocation, as in Vault.
            #expect(try await session.run(["lease", "revoke", leaseID]).exitCode == 0)
            try await DatabaseClients.eventually("the revoked role to be dropped") { try await !pg.roleExists(username) }
        }
    }

    @Test func theOldPageWithBao() async throws {
        let pg = try TestPostgres.fromEnvironment()
        let rootUser = try await pg.makeRootUser()
        try await withCLISession { session in
            func bao(_ arguments: [String]) async throws -> CLI.Result {
                try await ChildProcess.run(executable: URL(fileURLWithPath: "/usr/bin/env"), arguments: ["bao"] + arguments, environment: [
                    "BAO_ADDR": session.server.address, "BAO_TOKEN": session.rootToken, "HOME": session.home.path,
                ])
            }
            #expect(try await bao(["secrets", "enable", "postgresql"]).exitCode == 0)
            let connection = try await bao(["write", "postgresql/config/connection", "value=\(conninfo(pg, rootUser))"])
            #expect(connection.exitCode == 0, "\(connection.stderr)")
            #expect(try await bao(["write", "postgresql/roles/production", "name=production"]).exitCode == 0)
            let creds = try await bao(["read", "-format=json", "postgresql/creds/production"])
            #expect(creds.exitCode == 0, "\(creds.stderr)")
            let json = try JSONDecoder().decode([String: JSONValue].self, from: Data(creds.stdout.utf8))
            let username = try #require(json["data"]?.objectValue?["username"]?.stringValue)
            let password = try #require(json["data"]?.objectValue?["password"]?.stringValue)
            #expect(try await pg.canLogIn(username, password))
            let leaseID = try #require(json["lease_id"]?.stringValue)
            #expect(try await bao(["lease", "revoke", leaseID]).exitCode == 0)
            try await DatabaseClients.eventually("the revoked role to be dropped") { try await !pg.roleExists(username) }
        }
    }
}
