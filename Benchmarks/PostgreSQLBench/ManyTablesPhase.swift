import DatabasePluginKit
import Foundation

/// NewUser and default RevokeUser at 16 concurrent callers when each role is granted on many
/// tables: every call then updates the same `tableCount` catalog rows (their ACLs), the worst
/// case for concurrent catalog conflicts and the retries that resolve them.
extension PostgreSQLBenchmark {
    func runManyTables(driver: WireDriver, run: String, tableCount: Int = 20, users: Int = 400) async throws {
        let schema = "bench_many"
        let tables = (0..<tableCount).map { "CREATE TABLE IF NOT EXISTS \(schema).t\($0) (v int)" }
        try DirectLibPQ.execute(conninfo: url, (["CREATE SCHEMA IF NOT EXISTS \(schema)"] + tables).joined(separator: "; "))
        let creation = [
            #"CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';"#
                + #" GRANT USAGE ON SCHEMA \#(schema) TO "{{name}}";"#
                + #" GRANT SELECT ON ALL TABLES IN SCHEMA \#(schema) TO "{{name}}";"#
        ]
        let names = (0..<users).map { "v-bench-\(run)-many-\($0)" }
        let password = self.password, expiration = self.expiration
        let newUserSeconds = try await Self.timed(total: users, concurrency: 16) { index in
            try Self.check(await driver.call(.newUser, NewUserRequest(
                connection: "bench", username: names[index], password: password, expiration: expiration,
                statements: creation)))
        }
        Self.report("NewUser (GRANT SELECT ON ALL TABLES, \(tableCount) tables), 16 concurrent: \(Self.format(Double(users) / newUserSeconds))/s over \(users) users")
        let revokeSeconds = try await revokeAll(names, driver: driver, concurrency: 16)
        Self.report("RevokeUser (default statements, users granted on \(tableCount) tables), 16 concurrent: \(Self.format(Double(users) / revokeSeconds))/s over \(users) revocations")
    }
}
