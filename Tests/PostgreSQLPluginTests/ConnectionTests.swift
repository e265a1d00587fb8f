import DatabasePluginKit
import Foundation
import Testing

@testable import PostgreSQLDatabasePlugin

/// Initialize, root rotation, SCRAM mode, bad configs and dropped connections.
@Suite struct ConnectionTests {
    let database: TestDatabase
    let admin: AdminSession

    init() throws {
        database = try TestDatabase.fromEnvironment()
        admin = AdminSession(database)
    }

    @Test func initializeReturnsTheConfigWithUnknownKeysKept() async throws {
        let plugin = PostgreSQLPlugin()
        let config = database.config(extra: ["team": "payments", "max_open_connections": 2])
        let result = try await plugin.initialize(InitializeRequest(connection: "db", config: config, verifyConnection: true))
        #expect(result.config == config)
    }

    @Test func rotateRootChangesThePasswordAndReturnsTheNewConfig() async throws {
        let root = uniqueName("root")
        let oldPassword = "Old-\(UUID().uuidString)"
        try await admin.query("CREATE ROLE \(root) SUPERUSER LOGIN PASSWORD \(SQLQuoting.literal(oldPassword))")
        let plugin = try await initializedPlugin(database, config: database.config(username: root, password: oldPassword))
        let newPassword = "New-\(UUID().uuidString)"
        let result = try await plugin.rotateRoot(RotateRootRequest(connection: "db", newPassword: newPassword))
        #expect(result.config["password"] == .string(newPassword))
        #expect(result.config["username"] == .string(root))

        await #expect(throws: PostgreSQLFailure.self) { try await runAs(database, user: root, password: oldPassword, "SELECT 1") }
        #expect(try await runAs(database, user: root, password: newPassword, "SELECT 1") == [["1"]])
        // The plugin's pool moved to the new password: calls keep working.
        let user = uniqueName("v-after")
        _ = try await plugin.newUser(NewUserRequest(
            connection: "db", username: user, password: "A1a-x", expiration: Date().addingTimeInterval(3600),
            statements: creationStatements))
        try await plugin.revokeUser(RevokeUserRequest(connection: "db", username: user))
        try await plugin.close(connection: "db")
        try await admin.query("DROP ROLE \(root)")
    }

    @Test func rotateRootInSCRAMModeAndWithoutPlaceholdersInTheURL() async throws {
        let root = uniqueName("root")
        let oldPassword = "Old-\(UUID().uuidString)"
        try await admin.query("CREATE ROLE \(root) SUPERUSER LOGIN PASSWORD \(SQLQuoting.literal(oldPassword))")
        // No {{username}}/{{password}} in the URL: the config's credentials are used.
        var config = database.config(username: root, password: oldPassword, extra: ["password_authentication": "scram-sha-256"])
        config["connection_url"] = .string("postgresql://\(database.host):\(database.port)/\(database.database)?sslmode=disable")
        let plugin = try await initializedPlugin(database, config: config)
        let newPassword = "New-\(UUID().uuidString)"
        let result = try await plugin.rotateRoot(RotateRootRequest(connection: "db", newPassword: newPassword))
        #expect(result.config["password"] == .string(newPassword))
        let stored = try await admin.query("SELECT rolpassword FROM pg_authid WHERE rolname = $1", [root]).first?.first ?? nil
        #expect(stored?.hasPrefix("SCRAM-SHA-256$4096:") == true)
        #expect(try await runAs(database, user: root, password: newPassword, "SELECT 1") == [["1"]])
        try await plugin.renewUser(RenewUserRequest(connection: "db", username: root, expiration: Date().addingTimeInterval(600)))
        try await plugin.close(connection: "db")
        try await admin.query("DROP ROLE \(root)")
    }

    @Test func rotateRootNeedsAUsernameInTheConfig() async throws {
        var config = database.config()
        config["username"] = nil
        config["connection_url"] = .string(database.loginURL(user: database.user, password: database.password))
        let plugin = try await initializedPlugin(database, config: config)
        await expectPluginError(.invalidRequest) {
            _ = try await plugin.rotateRoot(RotateRootRequest(connection: "db", newPassword: "x"))
        }
    }

    @Test func scramModeStoresAVerifierAndLoginWorks() async throws {
        let plugin = try await initializedPlugin(database, config: database.config(extra: ["password_authentication": "scram-sha-256"]))
        let user = uniqueName("v-scram")
        let password = "A1a-\(UUID().uuidString)"
        _ = try await plugin.newUser(NewUserRequest(
            connection: "db", username: user, password: password, expiration: Date().addingTimeInterval(3600),
            statements: creationStatements))
        let stored = try await admin.query("SELECT rolpassword FROM pg_authid WHERE rolname = $1", [user]).first?.first ?? nil
        #expect(stored?.hasPrefix("SCRAM-SHA-256$4096:") == true)
        #expect(stored?.contains(password) == false)
        #expect(try await runAs(database, user: user, password: password, "SELECT current_user") == [[user]])
        // SetCredentials goes through the verifier too.
        let second = "B2b-\(UUID().uuidString)"
        try await plugin.setCredentials(SetCredentialsRequest(connection: "db", username: user, password: second))
        #expect(try await runAs(database, user: user, password: second, "SELECT 1") == [["1"]])
        try await plugin.revokeUser(RevokeUserRequest(connection: "db", username: user))
    }

    @Test func wrongPasswordIsAConnectionErrorWithoutThePassword() async throws {
        let wrong = "Wrong-\(UUID().uuidString)"
        let error = await expectPluginError(.connection) {
            _ = try await PostgreSQLPlugin().initialize(
                InitializeRequest(connection: "db", config: database.config(password: wrong), verifyConnection: true))
        }
        #expect(error?.message.contains("password authentication failed") == true, "\(String(describing: error))")
        #expect(error?.message.contains(wrong) == false)
    }

    @Test func unreachablePortIsAConnectionError() async throws {
        var config = database.config()
        config["connection_url"] = .string(database.urlTemplate(port: 1))
        let error = await expectPluginError(.connection) {
            _ = try await PostgreSQLPlugin().initialize(InitializeRequest(connection: "db", config: config, verifyConnection: true))
        }
        #expect(error?.message.contains(database.password) == false)
    }

    @Test func malformedURLIsAnInvalidRequest() async throws {
        for url in ["postgresql://{{username}}:{{password}}@h/db?no_such_option=1", "postgresql://{{username}}:{{password}}@[::1/db"] {
            var config = database.config()
            config["connection_url"] = .string(url)
            let error = await expectPluginError(.invalidRequest) {
                _ = try await PostgreSQLPlugin().initialize(InitializeRequest(connection: "db", config: config, verifyConnection: false))
            }
            #expect(error?.message.contains(database.password) == false)
        }
    }

    @Test func sslRequiredAgainstANonSSLServerIsAConnectionError() async throws {
        var config = database.config()
        config["connection_url"] = .string(database.urlTemplate(sslmode: "require"))
        let error = await expectPluginError(.connection) {
            _ = try await PostgreSQLPlugin().initialize(InitializeRequest(connection: "db", config: config, verifyConnection: true))
        }
        #expect(error?.message.contains("SSL") == true, "\(String(describing: error))")
    }

    @Test func keyValueConnectionStringsWork() async throws {
        var config = database.config()
        config["connection_url"] = .string(
            "host=\(database.host) port=\(database.port) dbname=\(database.database) user={{username}} password={{password}} sslmode=disable")
        let plugin = try await initializedPlugin(database, config: config)
        let user = uniqueName("v-kv")
        _ = try await plugin.newUser(NewUserRequest(
            connection: "db", username: user, password: "A1a-kv", expiration: Date().addingTimeInterval(60), statements: creationStatements))
        try await plugin.revokeUser(RevokeUserRequest(connection: "db", username: user))
    }

    @Test func thePoolKeepsToItsOpenAndIdleLimits() async throws {
        let tag = uniqueName("pool")
        let seen = uniqueName("seen")
        try await admin.query("CREATE TABLE public.\(seen) (sessions int)")
        let plugin = try await initializedPlugin(database, config: database.config(
            applicationName: tag, extra: ["max_open_connections": 3, "max_idle_connections": 1]))
        let statements = [
            #"CREATE ROLE "{{name}}"; INSERT INTO public.\#(seen) SELECT count(*) FROM pg_stat_activity WHERE application_name = '\#(tag)'"#
        ]
        let users = (0..<12).map { _ in uniqueName("v-pool") }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for user in users {
                group.addTask {
                    _ = try await plugin.newUser(NewUserRequest(
                        connection: "db", username: user, password: "p", expiration: Date(), statements: statements))
                }
            }
            try await group.waitForAll()
        }
        let most = try await admin.query("SELECT max(sessions) FROM public.\(seen)").first?.first ?? nil
        #expect(most.flatMap { Int($0) }.map { (1...3).contains($0) } == true, "\(String(describing: most))")
        let counts = try await plugin.pool(of: "db").counts
        #expect(counts.open == 1 && counts.idle == 1, "\(counts)")
        for user in users {
            try await plugin.revokeUser(RevokeUserRequest(connection: "db", username: user))
        }
        try await admin.query("DROP TABLE public.\(seen)")
    }

    @Test func droppedConnectionsAreReplacedTransparently() async throws {
        let tag = uniqueName("drop")
        let plugin = try await initializedPlugin(database, config: database.config(applicationName: tag))
        // Fill the pool: four connections idle afterwards.
        let first = (0..<4).map { _ in uniqueName("v-d1") }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for user in first {
                group.addTask {
                    _ = try await plugin.newUser(NewUserRequest(
                        connection: "db", username: user, password: "A1a-d", expiration: Date().addingTimeInterval(60),
                        statements: creationStatements))
                }
            }
            try await group.waitForAll()
        }
        // What a server restart looks like from the client: every pooled backend is gone.
        let killed = try await admin.query(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1", [tag])
        #expect(killed.first?.first.flatMap { $0.flatMap(Int.init) }.map { $0 >= 1 } == true)
        let second = uniqueName("v-d2")
        _ = try await plugin.newUser(NewUserRequest(
            connection: "db", username: second, password: "A1a-d", expiration: Date().addingTimeInterval(60), statements: creationStatements))
        #expect(try await admin.roleExists(second))
        // Once more, for a default revocation (one implicit transaction).
        try await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1", [tag])
        for user in first + [second] {
            try await plugin.revokeUser(RevokeUserRequest(connection: "db", username: user))
            #expect(try await !admin.roleExists(user))
        }
    }
}
