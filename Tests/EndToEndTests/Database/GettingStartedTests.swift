import CustosCore
import CustosTesting
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Runs every `sh` block of `docs/getting-started.md`, in order, exactly as written (through
/// `scripts/lib/run-guide.py`, which `scripts/demo` uses too), against a real server and
/// PostgreSQL, and checks the database after each step: a page that drifts fails here.
@Suite("getting-started guide")
struct GettingStartedTests {
    struct Step: Decodable {
        var step: Int
        var heading: String
        var exit: Int32
        var stdout: String
        var stderr: String
        /// The guide's roles in PostgreSQL after the step (other tests share the cluster):
        /// `name|valid until` lines.
        var snapshot: String

        var roles: [String] { snapshot.split(separator: "\n").map(String.init) }
    }

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func everyCommandOfTheGuideDoesWhatThePageSays() async throws {
        let pg = try TestPostgres.fromEnvironment()
        // The guide creates `custos_admin`; a previous run on this cluster may have left it.
        _ = try await pg.query("DROP ROLE IF EXISTS custos_admin")
        _ = try await pg.query("DROP ROLE IF EXISTS reporting")
        let dir = try TemporaryDirectory()
        let record = dir.url.appendingPathComponent("steps.jsonl")
        let binaries = try BuildProducts.url(of: "custos").deletingLastPathComponent().path
        let port = try FreePort.pick()
        let snapshot = "psql -tAc \"SELECT rolname || '|' || coalesce(rolvaliduntil::text, '') FROM pg_roles WHERE rolname LIKE 'v-token-ap-readonly-%' ORDER BY 1\""
        let result = try await ChildProcess.run(
            executable: URL(fileURLWithPath: "/usr/bin/env"),
            arguments: ["python3", Self.repository.appendingPathComponent("scripts/lib/run-guide.py").path,
                        Self.repository.appendingPathComponent("docs/getting-started.md").path,
                        "--quiet", "--record", record.path, "--snapshot", snapshot],
            environment: [
                "PATH": "\(binaries):\(ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")", "CUSTOS_ADDR": "http://127.0.0.1:\(port)",
                "PGHOST": pg.host, "PGPORT": pg.port, "PGUSER": pg.adminUser, "PGPASSWORD": pg.adminPassword,
                "PGDATABASE": "postgres", "HOME": dir.url.path,
            ],
            workingDirectory: dir.url)
        let steps = try String(contentsOf: record, encoding: .utf8).split(separator: "\n")
            .map { try JSONDecoder().decode(Step.self, from: Data($0.utf8)) }
        #expect(result.exitCode == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(steps.count == 11)
        for step in steps { #expect(step.exit == 0, "step \(step.step) (\(step.heading)): \(step.stderr)") }
        guard steps.count == 11 else { return }

        #expect(steps[1].stdout.contains("Sealed") && steps[1].stdout.contains("false"))
        #expect(!steps[2].stdout.contains("first-password"), "config/pg shows no password")
        #expect(steps[2].stdout.contains("custos_admin"))
        // Credentials: one role, with its VALID UNTIL, that logs in and reads the table.
        #expect(steps[4].roles.isEmpty)
        #expect(steps[5].roles.count == 1)
        #expect(steps[5].roles.first?.split(separator: "|").last.map { !$0.isEmpty } == true, "VALID UNTIL is set")
        #expect(steps[5].stdout.contains("keyboard"))
        #expect(steps[5].stdout.contains("\"lease_duration\": 3600"))
        // Lookup, renew, revoke: the role is gone.
        #expect(steps[6].stdout.contains("expire_time"))
        #expect(steps[6].roles.isEmpty)
        #expect(steps[6].stdout.hasSuffix("0\n"))
        #expect(steps[7].roles.isEmpty)
        #expect(steps[7].stdout.split(separator: "\n").filter { $0.hasPrefix("v-token-ap-readonly-") }.count == 2)
        // Root rotation: the first password is refused, credentials still come.
        #expect(steps[8].stdout.contains("first-password no longer works"))
        #expect(steps[8].roles.count == 1)
        // The static role: the password people knew is gone, the one Custos hands out works,
        // before and after a rotation.
        #expect(steps[9].stdout.contains("known-by-people no longer works"))
        #expect(steps[9].stdout.components(separatedBy: "\nreporting\n").count == 3, "\(steps[9].stdout)")
        #expect(steps[9].stdout.contains("last_vault_rotation"))
        #expect(steps[10].roles.isEmpty)
    }
}

/// A free TCP port on the loopback interface.
enum FreePort {
    static func pick() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw CancellationError() }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0 }
        }
        guard bound else { throw CancellationError() }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
