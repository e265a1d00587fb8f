import DatabasePluginKit
import Foundation
import NIOHTTP1

/// The phases; see scripts/bench-creds. Custos runs every operation over HTTP, the raw side the
/// same SQL over libpq at the same concurrency.
struct CredsBenchmark: Sendable {
    let http: CustosHTTP
    let conninfo: String
    let serverPID: Int32
    let idleKiB: Int?
    let run = UUID().uuidString.prefix(6).lowercased()

    static let table = "public.bench_creds"
    static let plainSQL = #"CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';"#
    static let grantSQL = plainSQL + #" GRANT SELECT ON \#(table) TO "{{name}}";"#
    /// Requests per row, by concurrency.
    static let rows: [(clients: Int, count: Int)] = [(1, 200), (4, 400), (16, 500)]

    /// The roles the bench reads: `plain` and `grant` (1 h), `prefix` (revoke-prefix), `hold` (memory, 24 h).
    func configureRoles() async throws {
        try RawSQL.query(conninfo: conninfo, "CREATE TABLE IF NOT EXISTS \(Self.table) (v int)")
        for (role, sql, ttl) in [("plain", Self.plainSQL, "1h"), ("grant", Self.grantSQL, "1h"),
                                 ("prefix", Self.plainSQL, "1h"), ("hold", Self.plainSQL, "24h")] {
            try await http.call(.POST, "database/roles/" + role, [
                "db_name": "bench", "creation_statements": sql, "default_ttl": ttl, "max_ttl": "48h",
            ])
        }
    }

    static func randomPassword() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        return "A1a-" + String((0..<20).map { _ in alphabet.randomElement()! })
    }

    static func expiration(in seconds: Double) -> String {
        ExpirationFormat.postgreSQL(Date().addingTimeInterval(seconds))
    }

    static func rendered(_ sql: String, _ username: String) -> [String] {
        SQLStatementSplitter.split(sql).map {
            StatementTemplate.render($0, username: username, password: randomPassword(), expiration: expiration(in: 3600))
        }
    }

    /// Issues `count` credentials of `role` at `clients`; the sample and what was issued.
    func issue(_ role: String, count: Int, clients: Int) async -> (Sample, [CustosHTTP.Credential]) {
        let issued = Locked<[CustosHTTP.Credential]>([])
        let http = self.http
        let sample = await Load.run(total: count, concurrency: clients) { _ in
            let credential = try await http.creds(role)
            issued.withLock { $0.append(credential) }
        }
        return (sample, issued.withLock { $0 })
    }

    func revokeEach(_ credentials: [CustosHTTP.Credential], clients: Int) async -> Sample {
        let http = self.http
        return await Load.run(total: credentials.count, concurrency: clients) { index in
            try await http.call(.PUT, "sys/leases/revoke", ["lease_id": credentials[index].leaseID])
        }
    }

    func rawCreate(_ names: [String], sql: String, clients: Int) throws -> Sample {
        try RawSQL.run(conninfo: conninfo, concurrency: clients, total: names.count) { .transaction(Self.rendered(sql, names[$0])) }
    }

    func rawRevoke(_ names: [String], clients: Int) throws -> Sample {
        try RawSQL.run(conninfo: conninfo, concurrency: clients, total: names.count) { .defaultRevoke(username: names[$0]) }
    }

    /// creds, renew and revoke for the plain role, creds and revoke for the role with a grant,
    /// and a floor: a role read (HTTP, token, ACL, storage; no plugin, no SQL).
    func perConcurrencyRows() async throws {
        let http = self.http
        Report.line(Report.header)
        for (clients, count) in Self.rows {
            let goal = clients == 16 ? ">= 0.80x raw, p99 < 50 ms" : ""
            let floor = await Load.run(total: count, concurrency: clients) { _ in try await http.call(.GET, "database/roles/plain") }
            Report.row("GET database/roles/plain (floor)", clients: clients, custos: floor, raw: nil)

            let cpu = CPUTime(serverPID: serverPID)
            let cpuBefore = cpu.snapshot()
            let (creds, issued) = await issue("plain", count: count, clients: clients)
            let cpuUsed = cpu.perOperation(since: cpuBefore, operations: count)
            let rawNames = (0..<count).map { "raw-\(run)-\(clients)-\($0)" }
            Report.row("GET database/creds/plain", clients: clients, custos: creds,
                       raw: try rawCreate(rawNames, sql: Self.plainSQL, clients: clients), goal: goal)
            Report.line("  (creds: \(cpuUsed))")

            let renew = await Load.run(total: issued.count, concurrency: clients) { index in
                try await http.call(.PUT, "sys/leases/renew", ["lease_id": issued[index].leaseID, "increment": "2h"])
            }
            let rawRenew = try RawSQL.run(conninfo: conninfo, concurrency: clients, total: count) {
                .transaction([#"ALTER ROLE "\#(rawNames[$0])" VALID UNTIL '\#(Self.expiration(in: 7200))'"#])
            }
            Report.row("PUT sys/leases/renew", clients: clients, custos: renew, raw: rawRenew)
            Report.row("PUT sys/leases/revoke", clients: clients, custos: await revokeEach(issued, clients: clients),
                       raw: try rawRevoke(rawNames, clients: clients))

            // One role's grantees at a time: a table's ACL cannot grow past one page (~650).
            let (grantCreds, grantIssued) = await issue("grant", count: count, clients: clients)
            let grantRevoke = await revokeEach(grantIssued, clients: clients)
            let grantNames = (0..<count).map { "raw-\(run)-g\(clients)-\($0)" }
            let rawGrant = try rawCreate(grantNames, sql: Self.grantSQL, clients: clients)
            Report.row("GET database/creds/grant", clients: clients, custos: grantCreds, raw: rawGrant, goal: goal)
            Report.row("PUT sys/leases/revoke (grant)", clients: clients, custos: grantRevoke, raw: try rawRevoke(grantNames, clients: clients))
            Report.line("  load average \(Report.loadAverage)")
        }
    }

    /// How many of `usernames` PostgreSQL still has.
    func remainingRoles(_ usernames: [String]) throws -> Int {
        guard !usernames.isEmpty else { return 0 }
        let list = usernames.map { "'" + $0 + "'" }.joined(separator: ",")
        return Int(try RawSQL.query(conninfo: conninfo, "SELECT count(*) FROM pg_catalog.pg_roles WHERE rolname IN (\(list))").first ?? "") ?? -1
    }
}
