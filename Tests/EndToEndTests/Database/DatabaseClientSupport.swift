import CustosCore
import CustosJSON
import CustosTesting
import Foundation
import Testing

/// What the database end-to-end tests with real clients share: the `bao` CLI, a Python client
/// script, polling with a deadline, and a persistent server that can be killed and restarted.
enum DatabaseClients {
    static let env = URL(fileURLWithPath: "/usr/bin/env")

    /// `bao` as a user runs it, against `address` with `token`; `HOME` in a scratch directory so
    /// no token helper of the developer's is read or written.
    static func bao(_ address: String, token: String, home: URL, _ arguments: [String]) async throws -> CLI.Result {
        try await ChildProcess.run(executable: env, arguments: ["bao"] + arguments, environment: [
            "BAO_ADDR": address, "BAO_TOKEN": token, "HOME": home.path,
        ])
    }

    /// The `Key  Value` rows of a `bao read` table (the value of a multi-line field is its first line).
    static func table(_ output: String) -> [String: String] {
        var rows: [String: String] = [:]
        for line in output.split(separator: "\n").dropFirst(2) {
            let parts = line.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            guard parts.count == 2 else { continue }
            rows[String(parts[0])] = parts[1].trimmingCharacters(in: .whitespaces)
        }
        return rows
    }

    static func json(_ output: String) throws -> [String: JSONValue] {
        try JSONDecoder().decode([String: JSONValue].self, from: Data(output.utf8))
    }

    /// Polls `condition` until it holds or `seconds` pass; records an issue when it never does.
    @discardableResult
    static func eventually(_ what: String, within seconds: Double = 30, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        if try await condition() { return true }
        Issue.record("timed out waiting for \(what)")
        return false
    }

    /// Mounts `database/` with the connection `pg` (owned by `rootUser`) and the `readonly` role.
    static func configure(_ client: VaultTestClient, _ pg: TestPostgres, rootUser: (name: String, password: String), role: String = "readonly") async throws {
        #expect(try await client.write("sys/mounts/database", ["type": "database"]).status == 204)
        let config = try await client.write("database/config/pg", [
            "plugin_name": "postgresql-database-plugin", "connection_url": .string(pg.templatedURL),
            "username": .string(rootUser.name), "password": .string(rootUser.password), "allowed_roles": .string(role),
        ])
        #expect(config.status == 204, "\(config.text)")
        let created = try await client.write("database/roles/\(role)", [
            "db_name": "pg", "creation_statements": .string(DatabaseEngineEndToEndTests.readonlySQL),
            "default_ttl": "1h", "max_ttl": "24h",
        ])
        #expect(created.status == 204, "\(created.text)")
    }
}

/// A persistent (SQLite) server, initialised with one key share, that a test kills with SIGKILL
/// and starts again on the same storage.
struct PersistentDatabaseServer {
    let directory: TemporaryDirectory
    let config: URL
    var server: ServerProcess
    var client: VaultTestClient
    let unsealKey: String

    /// The server's own `$TMPDIR`, where its plugins' private copies live.
    var temporaryDirectory: URL { directory.url.appendingPathComponent("tmp") }

    /// The plugin copies in the server's `$TMPDIR`.
    func pluginCopies() throws -> Set<String> {
        Set(try FileManager.default.contentsOfDirectory(atPath: temporaryDirectory.path).filter { $0.hasPrefix("custos-plugin-") })
    }

    private static func startServer(config: URL, in directory: TemporaryDirectory) async throws -> ServerProcess {
        let temporary = directory.url.appendingPathComponent("tmp")
        try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: true)
        return try await ServerProcess.start(arguments: ["server", "-config", config.path], environment: ["TMPDIR": temporary.path])
    }

    static func start() async throws -> PersistentDatabaseServer {
        let directory = try TemporaryDirectory()
        let config = try persistentConfig(in: directory)
        let server = try await startServer(config: config, in: directory)
        var client = VaultTestClient(address: server.address)
        let initialised = try await client.request("PUT", "sys/init", json: ["secret_shares": 1, "secret_threshold": 1], useToken: false)
        let key = try #require(initialised.json?["keys"]?.testStrings.first, "\(initialised.text)")
        client.token = try #require(initialised.json?["root_token"]?.stringValue)
        let unsealed = try await client.request("PUT", "sys/unseal", json: ["key": .string(key)], useToken: false)
        #expect(unsealed.json?["sealed"] == .bool(false), "\(unsealed.text)")
        return PersistentDatabaseServer(directory: directory, config: config, server: server, client: client, unsealKey: key)
    }

    /// `kill -9`, then a new server process on the same storage, unsealed.
    mutating func crashAndRestart() async throws {
        await server.kill()
        server = try await Self.startServer(config: config, in: directory)
        client.address = server.address
        let unsealed = try await client.request("PUT", "sys/unseal", json: ["key": .string(unsealKey)], useToken: false)
        #expect(unsealed.json?["sealed"] == .bool(false), "\(unsealed.text)")
    }
}
