import CustosCore
import CustosJSON
import CustosTesting
import Foundation
import Testing

/// Audit devices through the clients people use: `bao audit ...`, hvac's `sys` methods and
/// `custos audit ...`, which prints what `bao` prints.
@Suite("audit devices with bao, hvac and the custos CLI")
struct AuditCompatibilityTests {
    static let hvacScript = #"""
import sys, json, hvac
address, token, path = sys.argv[1:4]
client = hvac.Client(url=address, token=token)
client.sys.enable_audit_device(device_type="file", path="hvac", description="from hvac", options={"file_path": path, "log_raw": False})
devices = client.sys.list_enabled_audit_devices()["data"]
assert devices["hvac/"]["type"] == "file", devices
assert devices["hvac/"]["description"] == "from hvac", devices
assert devices["hvac/"]["options"]["file_path"] == path, devices
digest = client.sys.calculate_hash(path="hvac", input_to_hash="some-value")["data"]["hash"]
assert digest.startswith("hmac-sha256:"), digest
print("HASH " + digest)
client.secrets.kv.v1.create_or_update_secret(path="hvac-audit", secret={"value": "some-value"}, mount_point="secret")
client.sys.disable_audit_device(path="hvac")
assert "hvac/" not in client.sys.list_enabled_audit_devices()["data"]
print("hvac audit ok")
"""#

    @Test func baoAndHvacManageDevices() async throws {
        let dir = try TemporaryDirectory()
        let server = try await ServerProcess.startDev(rootToken: "audit-compat-root")
        defer { Task { await server.stop() } }
        let client = VaultTestClient(address: server.address, token: "audit-compat-root")
        func bao(_ arguments: [String]) async throws -> CLI.Result {
            try await DatabaseClients.bao(server.address, token: "audit-compat-root", home: dir.url, arguments)
        }
        // The dev server mounts KV version 1 at secret/ (hvac writes there below).

        let empty = try await bao(["audit", "list"])
        #expect(empty.exitCode == 2 && empty.stdout == "No audit devices are enabled.\n", "\(empty.stdout)\(empty.stderr)")
        let logPath = dir.url.appendingPathComponent("bao.log").path
        let enabled = try await bao(["audit", "enable", "file", "file_path=\(logPath)"])
        #expect(enabled.exitCode == 0 && enabled.stdout == "Success! Enabled the file audit device at: file/\n", "\(enabled.stdout)\(enabled.stderr)")
        let described = try await bao(["audit", "enable", "-path=second", "-description=the second", "-local", "file", "file_path=discard", "hmac_accessor=false"])
        #expect(described.exitCode == 0, "\(described.stderr)")
        let inUse = try await bao(["audit", "enable", "file", "file_path=\(logPath)"])
        #expect(inUse.exitCode == 2 && inUse.stderr.contains("* path already in use"), "\(inUse.stderr)")
        let badMode = try await bao(["audit", "enable", "-path=bad", "file", "file_path=discard", "mode=abc"])
        #expect(badMode.exitCode == 2 && badMode.stderr.contains("Code: 400"), "\(badMode.stderr)")

        let listed = try await bao(["audit", "list"])
        #expect(listed.stdout == """
            Path       Type    Description
            ----       ----    -----------
            file/      file    n/a
            second/    file    the second

            """, "\(listed.stdout)")
        let expectedDetailed = """
            Path       Type    Description    Replication    Options
            ----       ----    -----------    -----------    -------
            file/      file    n/a            replicated     file_path=\(logPath)
            second/    file    the second     local          file_path=discard hmac_accessor=false

            """
        // bao prints the options in Go's map order (random); Custos sorts them.
        func sortedOptions(_ table: String) -> String {
            table.split(separator: "\n", omittingEmptySubsequences: false).map { line in
                // The last column follows the last run of four spaces; its options are space-separated.
                guard line.contains("="), let gap = line.range(of: "    ", options: .backwards) else { return String(line) }
                return line[..<gap.upperBound] + line[gap.upperBound...].split(separator: " ").sorted().joined(separator: " ")
            }.joined(separator: "\n")
        }
        let detailed = try await bao(["audit", "list", "-detailed"])
        #expect(sortedOptions(detailed.stdout) == expectedDetailed, "\(detailed.stdout)")

        // The custos CLI prints the same, in table and JSON form.
        let env = ["CUSTOS_ADDR": server.address, "CUSTOS_TOKEN": "audit-compat-root", "HOME": dir.url.path]
        #expect(try await CLI.run(["audit", "list"], env: env).stdout == listed.stdout)
        #expect(try await CLI.run(["audit", "list", "-detailed"], env: env).stdout == expectedDetailed)
        let baoJSON = try await bao(["audit", "list", "-format=json"])
        #expect(try await CLI.run(["audit", "list", "-format=json"], env: env).stdout == baoJSON.stdout)

        let disabled = try await bao(["audit", "disable", "second"])
        #expect(disabled.stdout == "Success! Disabled audit device (if it was enabled) at: second/\n")
        // Every request bao made since is in the file, none with the root token in clear.
        let log = try String(contentsOfFile: logPath, encoding: .utf8)
        #expect(log.contains(#""path":"sys/audit/second""#))
        #expect(!log.contains("audit-compat-root"))

        let result = try await ChildProcess.run(executable: DatabaseClients.env, arguments: [
            "python3", "-c", Self.hvacScript, server.address, "audit-compat-root", dir.url.appendingPathComponent("hvac.log").path,
        ])
        #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("hvac audit ok"))
        // hvac's hash is the HMAC the device logged for the value written through it.
        let digest = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("HASH ") }?.dropFirst(5))
        let hvacLog = try String(contentsOfFile: dir.url.appendingPathComponent("hvac.log").path, encoding: .utf8)
        #expect(hvacLog.contains(#""value":"\#(digest)""#))
        #expect(!hvacLog.contains("some-value"))
        #expect(try await client.read("sys/audit").data?.keys.sorted() == ["file/"])
    }

    @Test func custosAuditCommands() async throws {
        let dir = try TemporaryDirectory()
        let server = try await ServerProcess.startDev(rootToken: "audit-cli-root")
        defer { Task { await server.stop() } }
        let env = ["CUSTOS_ADDR": server.address, "CUSTOS_TOKEN": "audit-cli-root", "HOME": dir.url.path]
        let missing = try await CLI.run(["audit", "enable"], env: env)
        #expect(missing.exitCode == 1)
        #expect(missing.stderr == "Error enabling audit device: audit type missing. Valid types include 'file' and 'socket'.\n")
        let enabled = try await CLI.run(["audit", "enable", "-path=main", "file", "file_path=\(dir.url.path)/a.log", "mode=0640"], env: env)
        #expect(enabled.stdout == "Success! Enabled the file audit device at: main/\n", "\(enabled.stderr)")
        let refused = try await CLI.run(["audit", "enable", "-path=x", "file"], env: env)
        #expect(refused.exitCode == 2 && refused.stderr.contains("* file_path is required"), "\(refused.stderr)")
        let listed = try await CLI.run(["audit", "list", "-format=json"], env: env)
        let devices = try JSONDecoder().decode([String: JSONValue].self, from: Data(listed.stdout.utf8))
        #expect(devices["main/"]?.objectValue?["options"] == ["file_path": .string("\(dir.url.path)/a.log"), "mode": "0640"])
        let disabled = try await CLI.run(["audit", "disable", "main"], env: env)
        #expect(disabled.stdout == "Success! Disabled audit device (if it was enabled) at: main/\n")
        let none = try await CLI.run(["audit", "list"], env: env)
        #expect(none.exitCode == 2 && none.stdout == "No audit devices are enabled.\n")
    }
}
