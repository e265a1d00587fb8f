import CustosCore
import CustosJSON
import CustosTesting
import Foundation
import Testing

/// The plugin catalog through a real server: dev plugin directory, builtins next to `custos`,
/// registration rules, checksum checks at launch, reloads, shutdown, and the CLI on top.
@Suite("plugin catalog")
struct PluginCatalogTests {
    /// A plugin directory holding copies of the built test and noop plugins.
    func pluginDirectory() throws -> TemporaryDirectory {
        let dir = try TemporaryDirectory()
        for name in ["custos-test-plugin", "noop-database-plugin"] {
            try FileManager.default.copyItem(at: try BuildProducts.url(of: name), to: dir.url.appendingPathComponent(name))
        }
        // A copy that a test modifies after registration (a running binary cannot be written to).
        try FileManager.default.copyItem(at: try BuildProducts.url(of: "noop-database-plugin"), to: dir.url.appendingPathComponent("tamper-me"))
        return dir
    }

    func sha256(_ url: URL) async throws -> String {
        let result = try await ChildProcess.run(executable: URL(fileURLWithPath: "/usr/bin/env"), arguments: ["sha256sum", url.path])
        return String(result.stdout.prefix(64))
    }

    func keys(_ response: VaultTestClient.Response) -> [String] {
        guard case .array(let items)? = response.data?["keys"] else { return [] }
        return items.compactMap(\.stringValue)
    }

    @Test func catalogRegistrationReloadAndShutdown() async throws {
        let plugins = try pluginDirectory()
        let server = try await ServerProcess.startDev(extraArguments: ["-dev-plugin-dir=\(plugins.url.path)"])
        let client = VaultTestClient(address: server.address, token: server.rootToken)

        // Dev mode registered the directory's plugins; the built-in one sits next to `custos`.
        let listed = keys(try await client.list("sys/plugins/catalog/database"))
        #expect(listed.contains("custos-test-plugin"))
        #expect(listed.contains("noop-database-plugin"))
        #expect(listed.contains("postgresql-database-plugin"))
        let catalog = try await client.read("sys/plugins/catalog")
        #expect(catalog.status == 200)
        #expect(catalog.data?["database"] != nil)

        let builtin = try await client.read("sys/plugins/catalog/database/postgresql-database-plugin")
        #expect(builtin.data?["builtin"] == .bool(true))
        let noop = try await client.read("sys/plugins/catalog/database/noop-database-plugin")
        #expect(noop.data?["builtin"] == .bool(false))
        #expect(noop.data?["sha256"]?.stringValue == (try await sha256(plugins.url.appendingPathComponent("noop-database-plugin"))))
        #expect(try await client.read("sys/plugins/catalog/database/nope").status == 404)

        // Registration: command inside the plugin directory only, a well-formed checksum.
        let noopSHA = try await sha256(plugins.url.appendingPathComponent("noop-database-plugin"))
        #expect(try await client.write("sys/plugins/catalog/database/second", ["command": "noop-database-plugin", "sha256": .string(noopSHA)]).status == 204)
        for command in ["../noop-database-plugin", "/bin/sh", "missing-binary"] {
            let refused = try await client.write("sys/plugins/catalog/database/bad", ["command": .string(command), "sha256": .string(noopSHA)])
            #expect(refused.status == 400, "\(command)")
        }
        let badSHA = try await client.write("sys/plugins/catalog/database/bad", ["command": "noop-database-plugin", "sha256": "xyz"])
        #expect(badSHA.status == 400)
        #expect(try await client.delete("sys/plugins/catalog/database/postgresql-database-plugin").status == 400)

        // Reload starts the process and handshakes; a binary changed after registration is refused.
        #expect(try await client.write("sys/plugins/reload/backend", ["plugin": "second"]).status == 204)
        #expect(try await client.write("sys/plugins/reload/backend", ["plugin": "custos-test-plugin"]).status == 204)
        #expect(try await client.write("sys/plugins/catalog/database/third", ["command": "tamper-me", "sha256": .string(noopSHA)]).status == 204)
        let handle = try FileHandle(forWritingTo: plugins.url.appendingPathComponent("tamper-me"))
        try handle.seekToEnd()
        handle.write(Data([0]))
        try handle.close()
        let mismatch = try await client.write("sys/plugins/reload/backend", ["plugin": "third"])
        #expect(mismatch.status == 400)
        #expect(mismatch.errors.first?.contains("SHA-256") == true)
        #expect(try await client.write("sys/plugins/reload/backend", ["plugin": "unknown"]).status == 400)

        #expect(try await client.delete("sys/plugins/catalog/database/second").status == 204)
        #expect(!keys(try await client.list("sys/plugins/catalog/database")).contains("second"))

        // The running test plugin is a child of the server; a graceful stop leaves no process behind.
        let before = Self.processes(running: plugins.url.path)
        #expect(!before.isEmpty)
        #expect(await server.stop() == 0)
        #expect(Self.processes(running: plugins.url.path).isEmpty)
    }

    @Test func sealStopsEveryPluginProcess() async throws {
        let plugins = try pluginDirectory()
        let server = try await ServerProcess.startDev(extraArguments: ["-dev-plugin-dir=\(plugins.url.path)"])
        let client = VaultTestClient(address: server.address, token: server.rootToken)
        // The server's own command line names the directory too.
        func pluginPIDs() -> [Int32] { Self.processes(running: plugins.url.path).filter { $0 != server.pid } }
        for plugin in ["custos-test-plugin", "noop-database-plugin"] {
            #expect(try await client.write("sys/plugins/reload/backend", ["plugin": .string(plugin)]).status == 204)
        }
        #expect(pluginPIDs().count == 2)

        // Plugins may hold database credentials: sys/seal answers once every one has been reaped.
        #expect(try await client.write("sys/seal", [:]).status == 204)
        #expect(pluginPIDs().isEmpty)

        // Unsealed again, a plugin starts on its next use.
        let key = try #require(server.unsealKey)
        let unsealed = try await client.request("PUT", "sys/unseal", json: ["key": .string(key)], useToken: false)
        #expect(unsealed.json?["sealed"] == .bool(false))
        #expect(try await client.write("sys/plugins/reload/backend", ["plugin": "custos-test-plugin"]).status == 204)
        #expect(pluginPIDs().count == 1)
        #expect(await server.stop() == 0)
        #expect(pluginPIDs().isEmpty)
    }

    @Test func cliPluginCommands() async throws {
        let plugins = try pluginDirectory()
        let server = try await ServerProcess.startDev(extraArguments: ["-dev-plugin-dir=\(plugins.url.path)"])
        defer { Task { await server.stop() } }
        let env = ["CUSTOS_ADDR": server.address, "CUSTOS_TOKEN": server.rootToken!]
        let sha = try await sha256(plugins.url.appendingPathComponent("custos-test-plugin"))

        let register = try await CLI.run(["plugin", "register", "-sha256=\(sha)", "-command=custos-test-plugin", "database", "mine"], env: env)
        #expect(register.exitCode == 0, "\(register.stderr)")
        #expect(register.stdout.contains("Success! Registered plugin: mine"))

        let list = try await CLI.run(["plugin", "list", "database"], env: env)
        #expect(list.exitCode == 0, "\(list.stderr)")
        #expect(list.stdout.contains("mine") && list.stdout.contains("postgresql-database-plugin"))

        let info = try await CLI.run(["plugin", "info", "-format=json", "database", "mine"], env: env)
        #expect(info.exitCode == 0, "\(info.stderr)")
        #expect(info.stdout.contains(sha))

        let reload = try await CLI.run(["plugin", "reload", "-plugin=mine"], env: env)
        #expect(reload.exitCode == 0, "\(reload.stderr)")

        let deregister = try await CLI.run(["plugin", "deregister", "database", "mine"], env: env)
        #expect(deregister.exitCode == 0, "\(deregister.stderr)")
        let gone = try await CLI.run(["plugin", "info", "database", "mine"], env: env)
        #expect(gone.exitCode == 2)

        let wrongType = try await CLI.run(["plugin", "register", "-sha256=\(sha)", "secret", "x"], env: env)
        #expect(wrongType.exitCode == 2)

        // The OpenBao CLI drives the same endpoints.
        let baoEnv = ["BAO_ADDR": server.address, "BAO_TOKEN": server.rootToken!, "HOME": FileManager.default.temporaryDirectory.path]
        let baoRegister = try await ChildProcess.run(executable: URL(fileURLWithPath: "/usr/bin/env"),
            arguments: ["bao", "plugin", "register", "-sha256=\(sha)", "-command=custos-test-plugin", "database", "via-bao"], environment: baoEnv)
        #expect(baoRegister.exitCode == 0, "\(baoRegister.stderr)")
        let baoInfo = try await ChildProcess.run(executable: URL(fileURLWithPath: "/usr/bin/env"),
            arguments: ["bao", "plugin", "info", "database", "via-bao"], environment: baoEnv)
        #expect(baoInfo.exitCode == 0, "\(baoInfo.stderr)")
        #expect(baoInfo.stdout.contains(sha))
    }

    @Test func pluginCheckPassesForEveryShippedPlugin() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let python = root.appendingPathComponent("Plugins/Examples/python/custos_example_plugin.py")
        let dir = try TemporaryDirectory()
        let cases: [(String, [String])] = [
            (try BuildProducts.url(of: "noop-database-plugin").path, []),
            (try BuildProducts.url(of: "custos-test-plugin").path, []),
            (python.path, ["--config", "{\"path\": \"\(dir.url.path)/example.db\"}"]),
        ]
        for (path, extra) in cases {
            let result = try await CLI.run(["plugin", "check", path] + extra)
            #expect(result.exitCode == 0, "\(path): \(result.stdout)\(result.stderr)")
            #expect(result.stdout.contains(" 0 failed"), "\(path): \(result.stdout)")
            #expect(!result.stdout.contains("FAIL"))
        }
        // The PostgreSQL plugin against the real test database, with the life cycle.
        let url = try #require(ProcessInfo.processInfo.environment["CUSTOS_TEST_PG_URL"], "run through ./scripts/test, which starts PostgreSQL")
        let pg = try await CLI.run([
            "plugin", "check", try BuildProducts.url(of: "postgresql-database-plugin").path,
            "--config", "{\"connection_url\": \"\(url)\"}",
            "--creation-statement", "CREATE ROLE \"{{name}}\" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';",
        ])
        #expect(pg.exitCode == 0, "\(pg.stdout)\(pg.stderr)")
        #expect(pg.stdout.contains("12 passed, 0 failed"))
        // A binary that is not a plugin fails the checks and says so.
        let notAPlugin = try await CLI.run(["plugin", "check", "/bin/true"])
        #expect(notAPlugin.exitCode == 1)
        #expect(notAPlugin.stdout.contains("FAIL"))
    }

    /// Pids of processes whose command line mentions `path`.
    static func processes(running path: String) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { Int32($0) }.filter { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            let status = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
            // A zombie (state Z) still counts: it would be a child nobody reaped.
            return String(decoding: data, as: UTF8.self).contains(path) || (status.contains(path) && status.contains(") Z "))
        }
    }
}
