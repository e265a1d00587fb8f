import CustosCore
import CustosJSON
import CustosTesting
import Foundation
import Testing

/// The `database` engine against a real PostgreSQL, through a real server and the real
/// `postgresql-database-plugin` process, over HTTP.
@Suite("database engine end to end")
struct DatabaseEngineEndToEndTests {
    static let readonlySQL = """
        CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';
        GRANT SELECT ON ALL TABLES IN SCHEMA public TO "{{name}}";
        """

    /// A dev server with `database/` mounted, a connection `pg` owned by a fresh root user, and
    /// the `readonly` role.
    struct Setup {
        let server: ServerProcess
        let client: VaultTestClient
        let pg: TestPostgres
        let rootUser: (name: String, password: String)

        static func make(defaultTTL: String = "1h", maxTTL: String = "2h") async throws -> Setup {
            let pg = try TestPostgres.fromEnvironment()
            let rootUser = try await pg.makeRootUser()
            let server = try await ServerProcess.startDev(rootToken: "db-root")
            let client = VaultTestClient(address: server.address, token: "db-root")
            #expect(try await client.write("sys/mounts/database", ["type": "database"]).status == 204)
            let config = try await client.write("database/config/pg", [
                "plugin_name": "postgresql-database-plugin", "connection_url": .string(pg.templatedURL),
                "username": .string(rootUser.name), "password": .string(rootUser.password), "allowed_roles": "readonly,short",
            ])
            #expect(config.status == 204, "\(config.text)")
            let role = try await client.write("database/roles/readonly", [
                "db_name": "pg", "creation_statements": .string(DatabaseEngineEndToEndTests.readonlySQL),
                "default_ttl": .string(defaultTTL), "max_ttl": .string(maxTTL),
            ])
            #expect(role.status == 204, "\(role.text)")
            return Setup(server: server, client: client, pg: pg, rootUser: rootUser)
        }

        func creds(_ role: String = "readonly", token: String? = nil) async throws -> (username: String, password: String, leaseID: String, duration: Int64) {
            var client = self.client
            if let token { client.token = token }
            let response = try await client.read("database/creds/\(role)")
            #expect(response.status == 200, "\(response.text)")
            let data = try #require(response.data)
            guard case .int(let duration)? = response.json?["lease_duration"] else { throw CancellationError() }
            return (try #require(data["username"]?.stringValue), try #require(data["password"]?.stringValue),
                    try #require(response.json?["lease_id"]?.stringValue), duration)
        }
    }

    @Test func aConnectionThatDoesNotWorkIsNotStoredAndNoPasswordIsShown() async throws {
        let setup = try await Setup.make()
        defer { Task { await setup.server.stop() } }
        let bad = try await setup.client.write("database/config/broken", [
            "plugin_name": "postgresql-database-plugin", "connection_url": .string(setup.pg.templatedURL),
            "username": .string(setup.rootUser.name), "password": "not-the-password-4711",
        ])
        #expect(bad.status == 400)
        #expect(bad.errors.first?.hasPrefix("error creating database object") == true, "\(bad.text)")
        #expect(!bad.text.contains("not-the-password-4711"))
        #expect(try await setup.client.read("database/config/broken").status == 404)

        let shown = try await setup.client.read("database/config/pg")
        #expect(shown.data?["plugin_name"] == "postgresql-database-plugin")
        let details = try #require(shown.data?["connection_details"]?.objectValue)
        #expect(details["username"] == .string(setup.rootUser.name))
        #expect(details["password"] == nil)
        #expect(!shown.text.contains(setup.rootUser.password))
        #expect(try await setup.client.list("database/config").data?["keys"] == ["pg"])
    }

    @Test func credentialsLogInWithValidUntilRenewAndRevoke() async throws {
        let setup = try await Setup.make()
        defer { Task { await setup.server.stop() } }
        let issued = try await setup.creds()
        #expect(issued.username.hasPrefix("v-root-readonly-"))
        #expect(issued.duration == 3600)
        #expect(try await setup.pg.canLogIn(issued.username, issued.password))
        let validUntil = try #require(try await setup.pg.validUntil(issued.username))
        #expect(abs(validUntil - Date().addingTimeInterval(3600).timeIntervalSince1970) < 60)

        // Renewal moves VALID UNTIL, capped by the role's max_ttl (2h from issue).
        let renewed = try await setup.client.write("sys/leases/renew", ["lease_id": .string(issued.leaseID), "increment": "3h"])
        #expect(renewed.status == 200, "\(renewed.text)")
        guard case .int(let granted)? = renewed.json?["lease_duration"] else { Issue.record("no lease_duration"); return }
        #expect(granted > 3600 && granted <= 7200)
        #expect(renewed.json?["warnings"]?.testStrings.first?.contains("exceeded the effective max_ttl") == true)
        let moved = try #require(try await setup.pg.validUntil(issued.username))
        #expect(moved > validUntil + 3000)

        #expect(try await setup.client.write("sys/leases/revoke", ["lease_id": .string(issued.leaseID)]).status == 204)
        #expect(try await setup.pg.roleExists(issued.username) == false)
        #expect(try await setup.pg.canLogIn(issued.username, issued.password) == false)
    }

    @Test func allowedRolesAreEnforced() async throws {
        let setup = try await Setup.make()
        defer { Task { await setup.server.stop() } }
        #expect(try await setup.client.write("database/roles/other", [
            "db_name": "pg", "creation_statements": .string(Self.readonlySQL),
        ]).status == 204)
        let refused = try await setup.client.read("database/creds/other")
        #expect(refused.status == 400)
        #expect(refused.errors == ["\"other\" is not an allowed role"])
    }

    @Test func expiryTokenRevocationAndRevokePrefixDropTheRoles() async throws {
        let setup = try await Setup.make()
        defer { Task { await setup.server.stop() } }
        #expect(try await setup.client.write("database/roles/short", [
            "db_name": "pg", "creation_statements": .string(Self.readonlySQL), "default_ttl": "2s",
        ]).status == 204)
        let short = try await setup.creds("short")
        #expect(short.duration == 2)
        try await DatabaseClients.eventually("the expired role to be dropped") { try await !setup.pg.roleExists(short.username) }

        // A token's credentials go with the token.
        let policy = #"path "database/creds/readonly" { capabilities = ["read"] }"#
        #expect(try await setup.client.request("PUT", "sys/policies/acl/apps", json: ["policy": .string(policy)]).status == 204)
        let created = try await setup.client.write("auth/token/create", ["policies": ["apps"], "ttl": "1h"])
        let token = try #require(created.json?["auth"]?.objectValue?["client_token"]?.stringValue)
        let owned = try await setup.creds(token: token)
        #expect(try await setup.pg.roleExists(owned.username))
        #expect(try await setup.client.write("auth/token/revoke", ["token": .string(token)]).status == 204)
        #expect(try await setup.pg.roleExists(owned.username) == false)

        var usernames: [String] = []
        for _ in 0..<3 { usernames.append(try await setup.creds().username) }
        #expect(try await setup.client.request("PUT", "sys/leases/revoke-prefix/database/creds/readonly").status == 204)
        for username in usernames { #expect(try await setup.pg.roleExists(username) == false) }
    }

    @Test func rootRotationLocksOutTheOldPasswordAndCredentialsStillIssue() async throws {
        let setup = try await Setup.make()
        defer { Task { await setup.server.stop() } }
        #expect(try await setup.pg.canLogIn(setup.rootUser.name, setup.rootUser.password))
        let rotated = try await setup.client.write("database/rotate-root/pg", [:])
        #expect(rotated.status == 204, "\(rotated.text)")
        #expect(try await setup.pg.canLogIn(setup.rootUser.name, setup.rootUser.password) == false)
        let issued = try await setup.creds()
        #expect(try await setup.pg.canLogIn(issued.username, issued.password))
        #expect(!(try await setup.client.read("database/config/pg")).text.contains("\"password\""))
    }

    @Test func deletingAConnectionWithLeasesIsRefusedThenForced() async throws {
        let setup = try await Setup.make()
        defer { Task { await setup.server.stop() } }
        let issued = try await setup.creds()
        let refused = try await setup.client.delete("database/config/pg")
        #expect(refused.status == 400)
        #expect(refused.errors.first?.contains("1 outstanding lease") == true, "\(refused.text)")
        #expect(try await setup.pg.roleExists(issued.username))
        #expect(try await setup.client.request("DELETE", "database/config/pg?force=true").status == 204)
        #expect(try await setup.pg.roleExists(issued.username) == false)
        #expect(try await setup.client.read("database/config/pg").status == 404)
    }
}
