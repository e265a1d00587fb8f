import Foundation
import NIOCore
import NIOHTTP1

/// revoke-prefix of many leases, and the server's memory with many leases outstanding.
extension CredsBenchmark {
    /// Times PUT sys/leases/revoke-prefix/database/creds/<role> and checks PostgreSQL kept none
    /// of the roles and Custos none of the leases.
    func revokePrefix(_ role: String, _ issued: [CustosHTTP.Credential]) async throws -> (seconds: Double, left: Int, leasesLeft: Bool) {
        let began = ContinuousClock.now
        try await http.call(.PUT, "sys/leases/revoke-prefix/database/creds/" + role, timeout: .seconds(600))
        let seconds = began.duration(to: .now).seconds
        let left = try remainingRoles(issued.map(\.username))
        // LIST of an empty prefix is a 404.
        let leasesLeft = (try? await http.call(.GET, "sys/leases/lookup/database/creds/\(role)/?list=true")) != nil
        return (seconds, left, leasesLeft)
    }

    func revokePrefixPhase(count: Int = 2000) async throws {
        Report.line("")
        Report.line("revoke-prefix of \(count) leases (load average \(Report.loadAverage))")
        let (issuance, issued) = await issue("prefix", count: count, clients: 16)
        Report.row("GET database/creds/prefix", clients: 16, custos: issuance, raw: nil)
        let result = try await revokePrefix("prefix", issued)
        Report.line("  PUT sys/leases/revoke-prefix/database/creds/prefix: \(Report.fixed(result.seconds, 2)) s for \(issued.count) leases"
            + " (\(Report.fixed(Double(issued.count) / result.seconds, 0))/s); roles left in PostgreSQL: \(result.left);"
            + " leases left: \(result.leasesLeft ? "some" : "none")   goal: < 3 s")
        let rawNames = (0..<count).map { "raw-\(run)-prefix-\($0)" }
        _ = try rawCreate(rawNames, sql: Self.plainSQL, clients: 16)
        let raw = try rawRevoke(rawNames, clients: 8)
        Report.line("  raw default revocation of \(count) roles, 8 connections (the server's revocations per mount): "
            + "\(Report.fixed(raw.seconds, 2)) s (\(Report.fixed(raw.opsPerSecond, 0))/s)")
    }

    func memoryPhase(count: Int = 10_000) async throws {
        Report.line("")
        Report.line("server memory (VmRSS of pid \(serverPID); load average \(Report.loadAverage))")
        let before = Report.residentKiB(pid: serverPID) ?? 0
        if let idleKiB {
            Report.line("  idle after unseal:                   \(Report.mib(idleKiB))   goal: < 40 MiB")
            if let detail = ProcessInfo.processInfo.environment["CUSTOS_BENCH_IDLE_RSS_DETAIL"] {
                Report.line("    of which \(detail)")
            }
        }
        Report.line("  before issuing \(count) leases:        \(Report.mib(before))  (after the rows above)")
        let (issuance, issued) = await issue("hold", count: count, clients: 16)
        Report.row("  GET database/creds/hold (24 h)", clients: 16, custos: issuance, raw: nil)
        try await Task.sleep(for: .seconds(2))
        let held = Report.residentKiB(pid: serverPID) ?? 0
        let perLease = { (base: Int) in Report.fixed(Double(held - base) / Double(issued.count), 2) }
        Report.line("  with \(issued.count) outstanding leases:   \(Report.mib(held))")
        if let idleKiB {
            Report.line("    KiB per lease above idle:          \(perLease(idleKiB))   goal: < 2 KiB")
        }
        Report.line("    KiB per lease above 'before':      \(perLease(before))")
        for child in Report.children(of: serverPID) {
            Report.line("  plugin process \(child): \(Report.mib(Report.residentKiB(pid: child) ?? 0)) (not counted above)")
        }
        let result = try await revokePrefix("hold", issued)
        Report.line("  revoke-prefix of the \(issued.count) leases: \(Report.fixed(result.seconds, 2)) s; roles left: \(result.left);"
            + " leases left: \(result.leasesLeft ? "some" : "none")")
        try await Task.sleep(for: .seconds(2))
        Report.line("  after revoking them: \(Report.mib(Report.residentKiB(pid: serverPID) ?? 0))")
    }
}
