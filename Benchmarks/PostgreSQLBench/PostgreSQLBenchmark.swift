import DatabasePluginKit
import Foundation
import Synchronization

/// The benchmark phases; see scripts/bench-postgres.
struct PostgreSQLBenchmark: Sendable {
    let pluginPath: String
    let url: String
    let creation = [
        #"CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';"#
            + #" GRANT SELECT ON ALL TABLES IN SCHEMA public TO "{{name}}";"#
    ]
    let expiration = Date().addingTimeInterval(3600)
    let password = "A1a-bench-password-0123456789"

    /// Runs `operation(index)` for 0..<total with `concurrency` tasks; returns seconds.
    static func timed(total: Int, concurrency: Int, _ operation: @escaping @Sendable (Int) async throws -> Void) async throws -> Double {
        let next = SharedCounter()
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<concurrency {
                group.addTask {
                    while true {
                        let index = next.increment()
                        if index >= total { return }
                        try await operation(index)
                    }
                }
            }
            try await group.waitForAll()
        }
        let elapsed = start.duration(to: .now)
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    static func check(_ response: WireDriver.Reply) throws {
        if let error = response.error { throw BenchError.call("\(error.code) \(error.message)") }
    }

    /// Unbuffered, so figures show as they come (also into a pipe).
    static func report(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    static func format(_ value: Double) -> String { String(format: "%.0f", value) }

    func revokeAll(_ names: [String], driver: WireDriver, concurrency: Int) async throws -> Double {
        try await Self.timed(total: names.count, concurrency: concurrency) { index in
            try Self.check(await driver.call(.revokeUser, RevokeUserRequest(connection: "bench", username: names[index])))
        }
    }

    func run() async throws {
        let driver = try WireDriver(pluginPath: pluginPath)
        let url = self.url, password = self.password, expiration = self.expiration, creation = self.creation
        let run = UUID().uuidString.prefix(6).lowercased()
        let config: PluginConfig = ["connection_url": .string(url), "max_open_connections": 16]
        try Self.check(await driver.call(.initialize, InitializeRequest(connection: "bench", config: config, verifyConnection: true)))
        try DirectLibPQ.execute(conninfo: url, "CREATE TABLE IF NOT EXISTS public.bench_grants (v int)")

        // The fixed cost of a call through the plugin process, without the database.
        let infoCalls = 2000
        let infoSeconds = try await Self.timed(total: infoCalls, concurrency: 1) { _ in
            try Self.check(await driver.call(.info, EmptyResult()))
        }
        Self.report("Wire round trip (Info, 1 caller): \(String(format: "%.0f", infoSeconds / Double(infoCalls) * 1e6)) us")

        // Batches of 400, each revoked before the next: every grantee adds an entry to the table's
        // ACL in its pg_class row, which cannot grow past one 8 kB page (~650 grantees).
        let batch = 400, rounds = 3
        Self.report("NewUser: CREATE ROLE ... VALID UNTIL + GRANT SELECT ON ALL TABLES IN SCHEMA public (1 table), \(rounds) x \(batch) users per cell")
        Self.report("concurrency   plugin/s   direct/s   ratio")
        var revocationSeconds = 0.0
        var revocations = 0
        let expirationText = ExpirationFormat.postgreSQL(expiration)
        let statements = creation.flatMap(SQLStatementSplitter.split)
        for concurrency in [1, 4, 16] {
            let connection = "bench-\(concurrency)"
            let connectionConfig: PluginConfig = ["connection_url": .string(url), "max_open_connections": .int(Int64(concurrency))]
            try Self.check(await driver.call(.initialize, InitializeRequest(connection: connection, config: connectionConfig)))
            var pluginSeconds = 0.0, directSeconds = 0.0
            for round in 0..<rounds {
                let pluginNames = (0..<batch).map { "v-bench-\(run)-p\(concurrency)-\(round)-\($0)" }
                pluginSeconds += try await Self.timed(total: batch, concurrency: concurrency) { index in
                    try Self.check(await driver.call(.newUser, NewUserRequest(
                        connection: connection, username: pluginNames[index], password: password, expiration: expiration,
                        statements: creation)))
                }
                revocationSeconds += try await revokeAll(pluginNames, driver: driver, concurrency: 16)
                revocations += batch

                let directNames = (0..<batch).map { "v-bench-\(run)-d\(concurrency)-\(round)-\($0)" }
                directSeconds += try DirectLibPQ.run(conninfo: url, concurrency: concurrency, total: batch) { index in
                    statements.map { StatementTemplate.render($0, username: directNames[index], password: password, expiration: expirationText) }
                }
                revocationSeconds += try await revokeAll(directNames, driver: driver, concurrency: 16)
                revocations += batch
            }
            let pluginRate = Double(batch * rounds) / pluginSeconds
            let directRate = Double(batch * rounds) / directSeconds
            Self.report("\(String(format: "%11d", concurrency))   \(Self.format(pluginRate).leftPad(8))   \(Self.format(directRate).leftPad(8))   \(String(format: "%5.2f", pluginRate / directRate))")
        }
        Self.report("RevokeUser (default statements, users with a grant on the same table), 16 concurrent: \(Self.format(Double(revocations) / revocationSeconds))/s over \(revocations) revocations")

        // Revocation of roles without grants (no shared ACL to contend on).
        let plainNames = (0..<2000).map { "v-bench-\(run)-plain-\($0)" }
        _ = try await Self.timed(total: plainNames.count, concurrency: 16) { index in
            try Self.check(await driver.call(.newUser, NewUserRequest(
                connection: "bench", username: plainNames[index], password: password, expiration: expiration,
                statements: [#"CREATE ROLE "{{name}}" LOGIN PASSWORD '{{password}}'"#])))
        }
        let plainSeconds = try await revokeAll(plainNames, driver: driver, concurrency: 16)
        Self.report("RevokeUser (default statements, users without grants), 16 concurrent: \(Self.format(Double(plainNames.count) / plainSeconds))/s over \(plainNames.count) revocations")

        try await runManyTables(driver: driver, run: run)
        try driver.finish()
    }
}

private extension String {
    func leftPad(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
