import DatabasePluginKit
import Foundation
import Testing

@testable import PostgreSQLDatabasePlugin

/// Many concurrent calls that change the same catalog rows (GRANT on the same tables, REVOKE /
/// REASSIGN / DROP OWNED of roles granted on them) all succeed: conflicts are retried, and the
/// retries serialise on the catalog lock instead of storming.
@Suite struct CatalogContentionTests {
    static let tableCount = 20
    let database: TestDatabase
    let admin: AdminSession

    init() throws {
        database = try TestDatabase.fromEnvironment()
        admin = AdminSession(database)
    }

    /// A schema of its own with `tableCount` tables, so other tests' tables don't take part.
    private func schemaWithTables() async throws -> String {
        let schema = uniqueName("many")
        let tables = (0..<Self.tableCount).map { "CREATE TABLE \(schema).t\($0) (v int)" }
        try await admin.query((["CREATE SCHEMA \(schema)"] + tables).joined(separator: "; "))
        return schema
    }

    private func statements(granting schema: String) -> [String] {
        [
            #"CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';"#
                + #" GRANT USAGE ON SCHEMA \#(schema) TO "{{name}}";"#
                + #" GRANT SELECT ON ALL TABLES IN SCHEMA \#(schema) TO "{{name}}";"#
        ]
    }

    /// 16 connections, so 16 calls really run at once.
    private func plugin() async throws -> PostgreSQLPlugin {
        try await initializedPlugin(database, config: database.config(extra: ["max_open_connections": .int(16)]))
    }

    private func grantCount(_ schema: String, _ prefix: String) async throws -> [[String?]] {
        try await admin.query(
            "SELECT count(*) FROM information_schema.role_table_grants WHERE table_schema = $1 AND grantee LIKE $2",
            [schema, "\(prefix)-%"])
    }

    /// Runs `work` for each index with at most `width` calls in flight; the first error fails it.
    private func concurrently(
        _ count: Int, width: Int, _ work: @escaping @Sendable (Int) async throws -> Void
    ) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<count {
                if index >= width { try await group.next() }
                group.addTask { try await work(index) }
            }
            try await group.waitForAll()
        }
    }

    @Test func sixteenConcurrentRevocationsOfRolesGrantedOnTwentyTables() async throws {
        let schema = try await schemaWithTables()
        let plugin = try await plugin()
        let prefix = uniqueName("v-rv")
        let expiry = Date().addingTimeInterval(3600)
        let statements = statements(granting: schema)
        try await concurrently(64, width: 16) { index in
            _ = try await plugin.newUser(NewUserRequest(
                connection: "db", username: "\(prefix)-\(index)", password: "A1a-\(index)-pw", expiration: expiry,
                statements: statements))
        }
        #expect(try await grantCount(schema, prefix) == [["\(64 * Self.tableCount)"]])

        try await concurrently(64, width: 16) { index in
            try await plugin.revokeUser(RevokeUserRequest(connection: "db", username: "\(prefix)-\(index)"))
        }
        #expect(try await admin.query("SELECT count(*) FROM pg_roles WHERE rolname LIKE $1", ["\(prefix)-%"]) == [["0"]])
        #expect(try await grantCount(schema, prefix) == [["0"]])
        try await admin.query("DROP SCHEMA \(schema) CASCADE")
    }

    @Test func hundredConcurrentNewUsersGrantedOnTwentyTables() async throws {
        let schema = try await schemaWithTables()
        let plugin = try await plugin()
        let prefix = uniqueName("v-nu")
        let expiry = Date().addingTimeInterval(3600)
        let statements = statements(granting: schema)
        try await concurrently(100, width: 100) { index in
            _ = try await plugin.newUser(NewUserRequest(
                connection: "db", username: "\(prefix)-\(index)", password: "A1a-\(index)-pw", expiration: expiry,
                statements: statements))
        }
        #expect(try await grantCount(schema, prefix) == [["\(100 * Self.tableCount)"]])

        // Custom revocation statements go through the same retries.
        let revocation = [#"REVOKE ALL ON ALL TABLES IN SCHEMA \#(schema) FROM "{{name}}"; REVOKE USAGE ON SCHEMA \#(schema) FROM "{{name}}"; DROP ROLE "{{name}}";"#]
        try await concurrently(100, width: 100) { index in
            try await plugin.revokeUser(RevokeUserRequest(
                connection: "db", username: "\(prefix)-\(index)", statements: revocation))
        }
        #expect(try await admin.query("SELECT count(*) FROM pg_roles WHERE rolname LIKE $1", ["\(prefix)-%"]) == [["0"]])
        try await admin.query("DROP SCHEMA \(schema) CASCADE")
    }
}
