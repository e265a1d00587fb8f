import CustosJSON
import CustosTesting
import Foundation
import Testing

/// One dev server plus a private HOME, so `login` and the token file never touch the real one.
struct CLITestSession {
    let server: ServerProcess
    let rootToken: String
    let home: URL

    /// Runs the CLI against this session's server as root, unless `env` says otherwise.
    func run(
        _ arguments: [String],
        stdin: String? = nil,
        token: String? = nil,
        env extra: [String: String] = [:]
    ) async throws -> CLI.Result {
        var env = [
            "CUSTOS_ADDR": server.address,
            "CUSTOS_TOKEN": token ?? rootToken,
            "HOME": home.path,
        ]
        env.merge(extra) { _, new in new }
        return try await CLI.run(arguments, env: env, stdin: stdin)
    }

    /// Runs the CLI with no token in the environment (it falls back to `~/.custos-token`).
    func runWithoutToken(_ arguments: [String], stdin: String? = nil) async throws -> CLI.Result {
        try await CLI.run(arguments, env: ["CUSTOS_ADDR": server.address, "HOME": home.path], stdin: stdin)
    }

    /// Enables a KV v1 mount at a fresh path (the reference dev server mounts KV v2 at secret/).
    func enableKV() async throws -> String {
        let mount = "kv-\(UUID().uuidString.prefix(8).lowercased())"
        let result = try await run(["secrets", "enable", "-path=\(mount)", "kv"])
        #expect(result.exitCode == 0, "enable failed: \(result.stderr)")
        return mount
    }
}

/// Starts a dev server, runs `body`, and stops the server even when `body` throws.
func withCLISession(_ body: (CLITestSession) async throws -> Void) async throws {
    let home = FileManager.default.temporaryDirectory.appendingPathComponent("custos-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
    let rootToken = "cli-root-\(UUID().uuidString.lowercased())"
    let server = try await ServerProcess.startDev(rootToken: rootToken)
    do {
        try await body(CLITestSession(server: server, rootToken: rootToken, home: home))
    } catch {
        await server.stop()
        try? FileManager.default.removeItem(at: home)
        throw error
    }
    await server.stop()
    try? FileManager.default.removeItem(at: home)
}

/// The rows of a `Key  Value` table as (key, value) pairs, header and rule dropped.
func cliTableRows(_ output: String) -> [(key: String, value: String)] {
    output.split(separator: "\n").dropFirst(2).map { line in
        let parts = line.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        return (String(parts[0]), parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : "")
    }
}

/// Decodes `-format=json` output into a loosely typed tree for assertions.
func cliJSON(_ output: String) throws -> [String: JSONValue] {
    try JSONDecoder().decode([String: JSONValue].self, from: Data(output.utf8))
}
