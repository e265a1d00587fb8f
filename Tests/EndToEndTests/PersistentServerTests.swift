import CustosCore
import CustosJSON
import CustosTesting
import Foundation
import Testing
import VaultAPI

/// A persistent server: init with 5 shares / threshold 3, unseal with any 3, restart, crash.
@Suite("persistent server: init, unseal, restart")
struct PersistentServerTests {
    func unseal(_ client: VaultTestClient, with keys: [String]) async throws -> VaultTestClient.Response {
        var last: VaultTestClient.Response?
        for key in keys { last = try await client.request("PUT", "sys/unseal", json: ["key": .string(key)], useToken: false) }
        return last!
    }

    @Test func initUnsealWithAnyThreeKeysRestartAndCrash() async throws {
        let dir = try TemporaryDirectory()
        let config = try persistentConfig(in: dir)
        var server = try await ServerProcess.start(config: config)
        var client = VaultTestClient(address: server.address)

        let initialised = try await client.initialiseWithFiveShares()
        #expect(initialised.keys.count == 5)
        #expect(Set(initialised.keys).count == 5)
        #expect(try await client.request("GET", "sys/health", useToken: false).status == 503)

        // Two keys: still sealed, progress 2/3.
        let partial = try await unseal(client, with: [initialised.keys[4], initialised.keys[1]])
        #expect(partial.json?["sealed"] == .bool(true))
        #expect(partial.json?["progress"] == .int(2))
        #expect(partial.json?["t"] == .int(3))
        #expect(partial.json?["n"] == .int(5))
        // The same key again is refused and does not count.
        let duplicate = try await client.request("PUT", "sys/unseal", json: ["key": .string(initialised.keys[1])], useToken: false)
        #expect(duplicate.status == 400)
        #expect(duplicate.errors.first?.contains("already") == true)
        // Third key, in base64 form this time: unsealed.
        let done = try await client.request("PUT", "sys/unseal", json: ["key": .string(initialised.keysBase64[2])], useToken: false)
        #expect(done.json?["sealed"] == .bool(false))

        client.token = initialised.rootToken
        #expect(try await client.write("sys/mounts/kv", ["type": "kv"]).status == 204)
        #expect(try await client.write("kv/app", ["password": "super-secret-value-0451"]).status == 204)
        // An acknowledged write survives kill -9.
        #expect(try await client.write("kv/last", ["v": "written just before the crash"]).status == 204)
        await server.kill()

        server = try await ServerProcess.start(config: config)
        client = VaultTestClient(address: server.address, token: initialised.rootToken)
        // Sealed after a restart; data paths answer 503.
        #expect(try await client.read("kv/app").status == 503)
        let resealed = try await client.request("GET", "sys/seal-status", useToken: false)
        #expect(resealed.json?["sealed"] == .bool(true))
        #expect(resealed.json?["initialized"] == .bool(true))

        // A different three keys unseal it; the data is intact.
        _ = try await unseal(client, with: [initialised.keys[0], initialised.keys[3], initialised.keys[2]])
        #expect(try await client.read("kv/app").data?["password"] == .string("super-secret-value-0451"))
        #expect(try await client.read("kv/last").data?["v"] == .string("written just before the crash"))
        #expect(await server.stop() == 0)

        // Nothing written is readable in the SQLite files.
        let dataDir = dir.url.appendingPathComponent("data")
        for file in try FileManager.default.contentsOfDirectory(atPath: dataDir.path) {
            let bytes = try Data(contentsOf: dataDir.appendingPathComponent(file))
            for marker in ["super-secret-value-0451", "written just before the crash", initialised.rootToken, "password"] {
                #expect(bytes.range(of: Data(marker.utf8)) == nil, "\(marker) found in \(file)")
            }
        }
    }
}
