import CustosCore
import CustosJSON
import CustosTesting
import Foundation
import Testing

/// A persistent SQLite server from a config file with extra stanzas, initialised (with
/// `shares`/`threshold`) and unsealed, for the operations tests (metrics, logs, backup).
struct OperationsTestServer {
    let directory: TemporaryDirectory
    let config: URL
    let server: ServerProcess
    let keys: [String]
    let rootToken: String

    var client: VaultTestClient { VaultTestClient(address: server.address, token: rootToken) }
    var anonymous: VaultTestClient { VaultTestClient(address: server.address) }
    var databasePath: String { directory.url.path + "/data/custos.db" }

    static func config(in directory: TemporaryDirectory, listener: String = "", topLevel: String = "") throws -> URL {
        try directory.file("custos.hcl", contents: """
            storage "sqlite" {
              path = "\(directory.url.path)/data/custos.db"
            }
            listener "tcp" {
              address     = "127.0.0.1:0"
              tls_disable = true
              \(listener)
            }
            disable_mlock = true
            \(topLevel)
            """)
    }

    /// Starts the server; `initialise` false leaves it uninitialised (and sealed).
    static func start(
        listener: String = "", topLevel: String = "", environment: [String: String] = [:],
        shares: Int = 1, threshold: Int = 1, initialise: Bool = true
    ) async throws -> OperationsTestServer {
        let directory = try TemporaryDirectory()
        let config = try config(in: directory, listener: listener, topLevel: topLevel)
        let server = try await ServerProcess.start(arguments: ["server", "-config", config.path], environment: environment)
        guard initialise else {
            return OperationsTestServer(directory: directory, config: config, server: server, keys: [], rootToken: "")
        }
        let client = VaultTestClient(address: server.address)
        let response = try await client.request(
            "PUT", "sys/init", json: ["secret_shares": .int(Int64(shares)), "secret_threshold": .int(Int64(threshold))],
            useToken: false)
        guard case .array(let keys)? = response.json?["keys"], let token = response.json?["root_token"]?.stringValue else {
            Issue.record("init failed: \(response.status) \(response.text)")
            throw CancellationError()
        }
        let hexKeys = keys.compactMap(\.stringValue)
        for key in hexKeys.prefix(threshold) {
            _ = try await client.request("PUT", "sys/unseal", json: ["key": .string(key)], useToken: false)
        }
        return OperationsTestServer(directory: directory, config: config, server: server, keys: hexKeys, rootToken: token)
    }
}
