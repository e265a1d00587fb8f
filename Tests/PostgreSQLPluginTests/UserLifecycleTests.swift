import DatabasePluginKit
import Foundation
import Testing

@testable import PostgreSQLDatabasePlugin

/// NewUser / RenewUser / RevokeUser / SetCredentials against a real PostgreSQL.
@Suite struct UserLifecycleTests {
    let database: TestDatabase
    let admin: AdminSession

    init() throws {
        database = try TestDatabase.fromEnvironment()
        admin = AdminSession(database)
    }

    private func expiration(hours: Int) -> Date {
        Date(timeIntervalSince1970: (Date().timeIntervalSince1970 / 60).rounded(.down) * 60 + Double(hours * 3600))
    }

    @Test func newUserCanLogInAndSelectAndRenewMovesValidUntil() async throws {
        let table = uniqueName("t")
        try await admin.query("CREATE TABLE public.\(table) (v int); INSERT INTO public.\(table) VALUES (42)")
        let plugin = try await initializedPlugin(database)
        let user = uniqueName("v-new")
        let password = "A1a-\(UUID().uuidString)"
        let expiry = expiration(hours: 1)
        let result = try await plugin.newUser(NewUserRequest(
            connection: "db", username: user, password: password, expiration: expiry, statements: creationStatements))
        #expect(result.username == user)
        #expect(try await admin.validUntil(user) == ExpirationFormat.postgreSQL(expiry).replacing("+00", with: ""))
        #expect(try await runAs(database, user: user, password: password, "SELECT v FROM public.\(table)") == [["42"]])

        let later = expiration(hours: 5)
        try await plugin.renewUser(RenewUserRequest(connection: "db", username: user, expiration: later))
        #expect(try await admin.validUntil(user) == ExpirationFormat.postgreSQL(later).replacing("+00", with: ""))

        try await plugin.revokeUser(RevokeUserRequest(connection: "db", username: user))
        #expect(try await !admin.roleExists(user))
        try await admin.query("DROP TABLE public.\(table)")
    }

    @Test func revokeRemovesARoleWithRightsInTwoSchemasAndOwnedObjects() async throws {
        let plugin = try await initializedPlugin(database)
        let user = uniqueName("v-rev")
        let password = "A1a-\(UUID().uuidString)"
        let (schemaA, schemaB) = (uniqueName("sa"), uniqueName("sb"))
        try await admin.query("CREATE SCHEMA \(schemaA); CREATE SCHEMA \(schemaB); CREATE TABLE \(schemaB).data (v int)")
        let statements = [
            #"CREATE ROLE "{{name}}" LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';"#
                + #" GRANT USAGE, CREATE ON SCHEMA \#(schemaA) TO "{{name}}";"#
                + #" GRANT USAGE ON SCHEMA \#(schemaB) TO "{{name}}"; GRANT SELECT ON ALL TABLES IN SCHEMA \#(schemaB) TO "{{name}}";"#
        ]
        _ = try await plugin.newUser(NewUserRequest(
            connection: "db", username: user, password: password, expiration: expiration(hours: 1), statements: statements))
        _ = try await runAs(database, user: user, password: password, "CREATE TABLE \(schemaA).mine (v int)")

        try await plugin.revokeUser(RevokeUserRequest(connection: "db", username: user))
        #expect(try await !admin.roleExists(user))
        // Its table was handed to the connection's user, not lost.
        let owner = try await admin.query("SELECT tableowner FROM pg_tables WHERE schemaname = $1 AND tablename = 'mine'", [schemaA])
        #expect(owner == [[database.user]])
        // Idempotent: again, and for a role that never existed.
        try await plugin.revokeUser(RevokeUserRequest(connection: "db", username: user))
        try await plugin.revokeUser(RevokeUserRequest(connection: "db", username: uniqueName("never")))
        try await admin.query("DROP SCHEMA \(schemaA) CASCADE; DROP SCHEMA \(schemaB) CASCADE")
    }

    @Test func revokeTerminatesTheUsersOpenSession() async throws {
        let plugin = try await initializedPlugin(database)
        let user = uniqueName("v-sess")
        let password = "A1a-\(UUID().uuidString)"
        _ = try await plugin.newUser(NewUserRequest(
            connection: "db", username: user, password: password, expiration: expiration(hours: 1), statements: creationStatements))
        let session = try await PooledConnection.open(
            parameters: [("dbname", database.loginURL(user: user, password: password))],
            redactor: SecretRedactor([]), generation: 0, name: "victim")
        defer { session.close() }
        let before = try await session.withConnection { connection throws(PostgreSQLFailure) in
            try connection.execute("SELECT 1", redactor: SecretRedactor([]))
        }
        #expect(before == [["1"]])

        try await plugin.revokeUser(RevokeUserRequest(connection: "db", username: user))
        #expect(try await !admin.roleExists(user))
        let after: Result<[[String?]], PostgreSQLFailure> = await session.withConnection { connection in
            Result { () throws(PostgreSQLFailure) in try connection.execute("SELECT 1", redactor: SecretRedactor([])) }
        }
        guard case .failure(let failure) = after else {
            Issue.record("the revoked user's session still answers")
            return
        }
        #expect(failure.isConnectionLoss)
    }

    @Test func sessionsSurviveRevocationWhenTerminationIsOff() async throws {
        let plugin = try await initializedPlugin(database, config: database.config(extra: ["terminate_sessions_on_revoke": false]))
        let user = uniqueName("v-keep")
        let password = "A1a-\(UUID().uuidString)"
        _ = try await plugin.newUser(NewUserRequest(
            connection: "db", username: user, password: password, expiration: expiration(hours: 1), statements: creationStatements))
        let session = try await PooledConnection.open(
            parameters: [("dbname", database.loginURL(user: user, password: password))],
            redactor: SecretRedactor([]), generation: 0, name: "kept")
        defer { session.close() }
        try await plugin.revokeUser(RevokeUserRequest(connection: "db", username: user))
        #expect(try await !admin.roleExists(user))
        let after = try await session.withConnection { connection throws(PostgreSQLFailure) in
            try connection.execute("SELECT 1", redactor: SecretRedactor([]))
        }
        #expect(after == [["1"]])
    }

    @Test func customRevocationStatementsRunInstead() async throws {
        let plugin = try await initializedPlugin(database)
        let user = uniqueName("v-cust")
        _ = try await plugin.newUser(NewUserRequest(
            connection: "db", username: user, password: "A1a-pw-x", expiration: expiration(hours: 1), statements: creationStatements))
        try await plugin.revokeUser(RevokeUserRequest(connection: "db", username: user, statements: [#"ALTER ROLE "{{name}}" NOLOGIN"#]))
        #expect(try await admin.query("SELECT rolcanlogin FROM pg_roles WHERE rolname = $1", [user]) == [["f"]])
        try await plugin.revokeUser(RevokeUserRequest(connection: "db", username: user))
        #expect(try await !admin.roleExists(user))
    }

    @Test func aFailingStatementLeavesNoRoleAndRunsTheRollbackStatements() async throws {
        let plugin = try await initializedPlugin(database)
        let user = uniqueName("v-fail")
        let marker = uniqueName("marker")
        try await admin.query("CREATE TABLE public.\(marker) (v text)")
        let error = await expectPluginError(.database) {
            _ = try await plugin.newUser(NewUserRequest(
                connection: "db", username: user, password: "A1a-secret-9", expiration: expiration(hours: 1),
                statements: [#"CREATE ROLE "{{name}}" LOGIN PASSWORD '{{password}}'; SELECT no_such_function()"#],
                rollbackStatements: ["INSERT INTO public.\(marker) VALUES ('{{name}}')"]))
        }
        #expect(error?.message.contains("42883") == true)
        #expect(error?.message.contains("A1a-secret-9") == false)
        #expect(try await !admin.roleExists(user))
        #expect(try await admin.query("SELECT v FROM public.\(marker)") == [[user]])
        try await admin.query("DROP TABLE public.\(marker)")
    }

    @Test func aMisquotedPasswordNeverShowsInTheError() async throws {
        let plugin = try await initializedPlugin(database)
        let error = await expectPluginError(.database) {
            _ = try await plugin.newUser(NewUserRequest(
                connection: "db", username: uniqueName("v-q"), password: "Zq9-leaky-secret", expiration: expiration(hours: 1),
                statements: [#"CREATE ROLE "{{name}}" PASSWORD {{password}}"#]))
        }
        #expect(error.map { !$0.message.contains("Zq9") && !$0.message.contains("leaky") } == true, "\(String(describing: error))")
    }

    @Test func doBlocksWork() async throws {
        let plugin = try await initializedPlugin(database)
        let user = uniqueName("v-do")
        let statements = [
            """
            DO $$
            BEGIN
              IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{{name}}') THEN
                CREATE ROLE "{{name}}" LOGIN PASSWORD '{{password}}';
              END IF;
            END
            $$;
            ALTER ROLE "{{name}}" VALID UNTIL '{{expiration}}';
            """
        ]
        _ = try await plugin.newUser(NewUserRequest(
            connection: "db", username: user, password: "A1a-do-pw", expiration: expiration(hours: 2), statements: statements))
        #expect(try await admin.roleExists(user))
        #expect(try await runAs(database, user: user, password: "A1a-do-pw", "SELECT current_user") == [[user]])
        try await plugin.revokeUser(RevokeUserRequest(connection: "db", username: user))
    }

    @Test func emptyCreationStatementsAreRefused() async throws {
        let plugin = try await initializedPlugin(database)
        let error = await expectPluginError(.invalidRequest) {
            _ = try await plugin.newUser(NewUserRequest(
                connection: "db", username: uniqueName("v-e"), password: "p", expiration: Date(), statements: []))
        }
        #expect(error?.message == "creation statements are required")
    }

    @Test func anUnknownConnectionIsAnInvalidRequest() async throws {
        let plugin = PostgreSQLPlugin()
        await expectPluginError(.invalidRequest) {
            try await plugin.renewUser(RenewUserRequest(connection: "nope", username: "u", expiration: Date()))
        }
    }

    @Test func quotesInNamesAndPasswordsCannotBreakOutOfDefaultStatements() async throws {
        let plugin = try await initializedPlugin(database)
        let user = uniqueName(#"v-we"ird'"#)
        try await admin.query("CREATE ROLE \(SQLQuoting.identifier(user)) LOGIN")
        let password = #"pa'ss"wo\rd"#
        try await plugin.setCredentials(SetCredentialsRequest(connection: "db", username: user, password: password))
        #expect(try await runAs(database, user: user, password: password, "SELECT 1") == [["1"]])
        let expiry = expiration(hours: 3)
        try await plugin.renewUser(RenewUserRequest(connection: "db", username: user, expiration: expiry))
        #expect(try await admin.validUntil(user) == ExpirationFormat.postgreSQL(expiry).replacing("+00", with: ""))
        try await plugin.revokeUser(RevokeUserRequest(connection: "db", username: user))
        #expect(try await !admin.roleExists(user))

        // A name crafted as an injection is just a (missing) role name.
        let canary = uniqueName("canary")
        try await admin.query("CREATE ROLE \(canary)")
        try await plugin.revokeUser(RevokeUserRequest(connection: "db", username: #"x"; DROP ROLE \#(canary); --"#))
        try await plugin.revokeUser(RevokeUserRequest(connection: "db", username: #"x'; DROP ROLE \#(canary); --"#))
        #expect(try await admin.roleExists(canary))
        try await admin.query("DROP ROLE \(canary)")
    }

    @Test func hundredConcurrentNewUsersAllSucceed() async throws {
        let table = uniqueName("t100")
        try await admin.query("CREATE TABLE public.\(table) (v int)")
        let plugin = try await initializedPlugin(database)
        let prefix = uniqueName("v-c")
        let expiry = expiration(hours: 1)
        let names = try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<100 {
                group.addTask {
                    try await plugin.newUser(NewUserRequest(
                        connection: "db", username: "\(prefix)-\(index)", password: "A1a-\(index)-pw", expiration: expiry,
                        statements: creationStatements)).username
                }
            }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(Set(names).count == 100)
        let granted = try await admin.query(
            "SELECT count(*) FROM information_schema.role_table_grants WHERE table_name = $1 AND grantee LIKE $2",
            [table, "\(prefix)-%"])
        #expect(granted == [["100"]])
        try await withThrowingTaskGroup(of: Void.self) { group in
            for name in names {
                group.addTask { try await plugin.revokeUser(RevokeUserRequest(connection: "db", username: name)) }
            }
            try await group.waitForAll()
        }
        #expect(try await admin.query("SELECT count(*) FROM pg_roles WHERE rolname LIKE $1", ["\(prefix)-%"]) == [["0"]])
        try await admin.query("DROP TABLE public.\(table)")
    }
}
