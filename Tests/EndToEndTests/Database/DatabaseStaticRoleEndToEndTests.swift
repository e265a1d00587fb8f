import CustosCore
import CustosJSON
import CustosTesting
import Foundation
import Testing

/// Static roles against a real PostgreSQL through a real server and plugin: the password of an
/// existing user is rotated at creation, on request, on schedule, across a restart, and a failed
/// rotation leaves the stored password valid.
@Suite("database static roles end to end")
struct DatabaseStaticRoleEndToEndTests {
    typealias Setup = DatabaseEngineEndToEndTests.Setup

    /// A dev server with `database/config/pg` allowing every role, and a fresh login user.
    static func make() async throws -> (Setup, user: String, password: String) {
        let setup = try await Setup.make()
        let allowed = try await setup.client.write("database/config/pg", ["allowed_roles": "*"])
        #expect(allowed.status == 204, "\(allowed.text)")
        let (user, password) = try await makeUser(setup.pg)
        return (setup, user, password)
    }

    static func makeUser(_ pg: TestPostgres) async throws -> (String, String) {
        let user = "static_\(UUID().uuidString.prefix(8).lowercased())"
        let password = "initial-\(UUID().uuidString)"
        _ = try await pg.rows("CREATE ROLE \(user) WITH LOGIN PASSWORD '\(password)'")
        #expect(try await pg.canLogIn(user, password))
        return (user, password)
    }

    static func staticCreds(_ client: VaultTestClient, _ role: String) async throws -> (password: String, data: [String: JSONValue]) {
        let response = try await client.read("database/static-creds/\(role)")
        #expect(response.status == 200, "\(response.text)")
        let data = try #require(response.data)
        return (try #require(data["password"]?.stringValue), data)
    }

    /// With a 5 s period the password may rotate between reading and logging in: read again.
    /// A password read from `static-creds` that logs in. A rotation may land between the read and
    /// the login (periods here are seconds, and a loaded machine is slow), so read again until
    /// one does; nil if none does within a minute.
    static func currentPasswordLogsIn(_ client: VaultTestClient, _ pg: TestPostgres, _ role: String, _ user: String) async throws -> String? {
        let deadline = ContinuousClock.now + .seconds(60)
        repeat {
            let password = try await staticCreds(client, role).password
            if try await pg.canLogIn(user, password) { return password }
        } while ContinuousClock.now < deadline
        return nil
    }

    @Test func creationAndRotateRoleReplaceThePassword() async throws {
        let (setup, user, initial) = try await Self.make()
        defer { Task { await setup.server.stop() } }
        let client = setup.client
        let written = try await client.write("database/static-roles/app", [
            "db_name": "pg", "username": .string(user), "rotation_period": "1h",
        ])
        #expect(written.status == 204, "\(written.text)")
        #expect(try await setup.pg.canLogIn(user, initial) == false, "rotated at creation: nobody knows the password")

        let response = try await client.read("database/static-creds/app")
        #expect(response.json?["lease_id"] == .string(""), "no lease, as in Vault")
        let (first, data) = try await Self.staticCreds(client, "app")
        #expect(try await setup.pg.canLogIn(user, first))
        #expect(data["username"] == .string(user))
        #expect(data["rotation_period"] == .int(3600))
        #expect(data["last_vault_rotation"]?.stringValue != nil)
        guard case .int(let ttl)? = data["ttl"] else { Issue.record("no ttl: \(data)"); return }
        #expect(ttl > 3500 && ttl <= 3600)

        let shown = try await client.read("database/static-roles/app")
        #expect(shown.status == 200)
        #expect(shown.data?["username"] == .string(user))
        #expect(shown.data?["db_name"] == "pg")
        #expect(shown.data?["credential_type"] == "password")
        #expect(shown.data?["next_vault_rotation"]?.stringValue != nil)
        #expect(shown.data?["last_error"] == nil)
        #expect(!shown.text.contains(first))
        #expect(try await client.list("database/static-roles").data?["keys"] == ["app"])

        #expect(try await client.write("database/rotate-role/app", [:]).status == 204)
        let second = try await Self.staticCreds(client, "app").password
        #expect(second != first)
        #expect(try await setup.pg.canLogIn(user, first) == false)
        #expect(try await setup.pg.canLogIn(user, second))

        // One namespace for dynamic and static roles, both ways.
        let dynamic = try await client.write("database/roles/app", [
            "db_name": "pg", "creation_statements": .string(DatabaseEngineEndToEndTests.readonlySQL),
        ])
        #expect(dynamic.errors == ["Role and Static Role names must be unique"], "\(dynamic.text)")
        let clash = try await client.write("database/static-roles/readonly", [
            "db_name": "pg", "username": .string(user), "rotation_period": "1h",
        ])
        #expect(clash.errors == ["Role and Static Role names must be unique"], "\(clash.text)")
        let rename = try await client.write("database/static-roles/app", ["username": "someone_else"])
        #expect(rename.errors == ["cannot update static account username"])

        // allowed_roles applies.
        #expect(try await client.write("database/config/pg", ["allowed_roles": "readonly"]).status == 204)
        #expect(try await client.read("database/static-creds/app").errors == ["\"app\" is not an allowed role"])
        #expect(try await client.write("database/config/pg", ["allowed_roles": "*"]).status == 204)

        // Deleting forgets the role; the database user keeps its password (as in Vault).
        #expect(try await client.delete("database/static-roles/app").status == 204)
        #expect(try await client.read("database/static-creds/app").status == 400)
        #expect(try await setup.pg.canLogIn(user, second))
    }

    @Test func aFiveSecondPeriodRotatesOnSchedule() async throws {
        let (setup, user, _) = try await Self.make()
        defer { Task { await setup.server.stop() } }
        #expect(try await setup.client.write("database/static-roles/fast", [
            "db_name": "pg", "username": .string(user), "rotation_period": "5s",
        ]).status == 204)
        let first = try #require(try await Self.currentPasswordLogsIn(setup.client, setup.pg, "fast", user))
        try await DatabaseClients.eventually("a scheduled rotation", within: 30) {
            try await Self.staticCreds(setup.client, "fast").password != first
        }
        #expect(try await setup.pg.canLogIn(user, first) == false)
        #expect(try await Self.currentPasswordLogsIn(setup.client, setup.pg, "fast", user) != nil)
    }

    @Test func skipImportRotationKeepsThePasswordUntilTheFirstRotation() async throws {
        let (setup, user, initial) = try await Self.make()
        defer { Task { await setup.server.stop() } }
        #expect(try await setup.client.write("database/static-roles/imported", [
            "db_name": "pg", "username": .string(user), "rotation_period": "1h", "skip_import_rotation": .bool(true),
        ]).status == 204)
        #expect(try await setup.pg.canLogIn(user, initial))
        let refused = try await setup.client.read("database/static-creds/imported")
        #expect(refused.status == 400)
        #expect(refused.errors.first?.contains("has not been rotated yet") == true, "\(refused.text)")
        #expect(try await setup.client.read("database/static-roles/imported").data?["skip_import_rotation"] == .bool(true))

        #expect(try await setup.client.write("database/rotate-role/imported", [:]).status == 204)
        #expect(try await setup.pg.canLogIn(user, initial) == false)
        #expect(try await setup.pg.canLogIn(user, try await Self.staticCreds(setup.client, "imported").password))
    }

    @Test func aFailedRotationShowsLastErrorAndKeepsTheStoredPasswordValid() async throws {
        let (setup, user, _) = try await Self.make()
        defer { Task { await setup.server.stop() } }
        let client = setup.client
        #expect(try await client.write("database/static-roles/app", [
            "db_name": "pg", "username": .string(user), "rotation_period": "1h",
        ]).status == 204)
        let current = try await Self.staticCreds(client, "app").password

        // Statements that set the password, then fail: the transaction rolls back.
        #expect(try await client.write("database/static-roles/app", [
            "rotation_statements": .string("ALTER ROLE \"{{name}}\" WITH PASSWORD '{{password}}'; SELECT custos_no_such_function();"),
        ]).status == 204)
        let failed = try await client.write("database/rotate-role/app", [:])
        #expect(failed.status == 500)
        #expect(failed.errors.first?.hasPrefix("unable to finish rotating credentials") == true, "\(failed.text)")
        let shown = try await client.read("database/static-roles/app")
        let lastError = try #require(shown.data?["last_error"]?.stringValue, "\(shown.text)")
        #expect(lastError.contains("error setting credentials"))
        #expect(lastError.contains("custos_no_such_function"), "the database's complaint: \(lastError)")
        #expect(try await Self.staticCreds(client, "app").password == current)
        #expect(try await setup.pg.canLogIn(user, current), "the stored password is still the database's")

        // A user dropped behind Custos's back: the same, and the error names it.
        #expect(try await client.write("database/static-roles/app", ["rotation_statements": .array([])]).status == 204)
        _ = try await setup.pg.rows("DROP ROLE \(user)")
        #expect(try await client.write("database/rotate-role/app", [:]).status == 500)
        #expect(try await client.read("database/static-roles/app").data?["last_error"]?.stringValue?.contains(user) == true)

        // Back in order: the next rotation succeeds and clears last_error.
        _ = try await setup.pg.rows("CREATE ROLE \(user) WITH LOGIN PASSWORD 'whatever-0'")
        #expect(try await client.write("database/rotate-role/app", [:]).status == 204)
        #expect(try await client.read("database/static-roles/app").data?["last_error"] == nil)
        #expect(try await setup.pg.canLogIn(user, try await Self.staticCreds(client, "app").password))
    }

    @Test func theScheduleSurvivesARestart() async throws {
        let pg = try TestPostgres.fromEnvironment()
        let rootUser = try await pg.makeRootUser()
        let (user, _) = try await Self.makeUser(pg)
        let dir = try TemporaryDirectory()
        let config = try persistentConfig(in: dir)
        let server = try await ServerProcess.start(config: config)
        var client = VaultTestClient(address: server.address)
        let initialised = try await client.request("PUT", "sys/init", json: ["secret_shares": .int(1), "secret_threshold": .int(1)], useToken: false)
        guard case .array(let keys)? = initialised.json?["keys"], let key = keys.first?.stringValue,
              let root = initialised.json?["root_token"]?.stringValue else {
            Issue.record("init failed: \(initialised.text)")
            _ = await server.stop()
            return
        }
        #expect(try await client.request("PUT", "sys/unseal", json: ["key": .string(key)], useToken: false).status == 200)
        client.token = root
        #expect(try await client.write("sys/mounts/database", ["type": "database"]).status == 204)
        #expect(try await client.write("database/config/pg", [
            "plugin_name": "postgresql-database-plugin", "connection_url": .string(pg.templatedURL),
            "username": .string(rootUser.name), "password": .string(rootUser.password), "allowed_roles": "*",
        ]).status == 204)
        #expect(try await client.write("database/static-roles/app", [
            "db_name": "pg", "username": .string(user), "rotation_period": "5s",
        ]).status == 204)
        let before = try #require(try await Self.currentPasswordLogsIn(client, pg, "app", user))
        #expect(await server.stop() == 0)

        let restarted = try await ServerProcess.start(config: config)
        defer { Task { await restarted.stop() } }
        client = VaultTestClient(address: restarted.address, token: root)
        #expect(try await client.request("PUT", "sys/unseal", json: ["key": .string(key)], useToken: false).status == 200)
        let after = try #require(try await Self.currentPasswordLogsIn(client, pg, "app", user), "static-creds logs in after a restart")
        // The schedule goes on: the password changes again, and the new one logs in.
        try await DatabaseClients.eventually("a scheduled rotation after the restart", within: 30) {
            try await Self.staticCreds(client, "app").password != after
        }
        #expect(try await Self.currentPasswordLogsIn(client, pg, "app", user) != nil)
        #expect(try await pg.canLogIn(user, before) == false)
        #expect(try await client.read("database/static-roles/app").data?["last_error"] == nil)
    }
}
