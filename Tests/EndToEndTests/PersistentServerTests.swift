import CustosCore
import CustosJSON
import CustosTesting
import Foundation
import Testing

/// A persistent server: init with 5 shares / threshold 3, unseal with any 3, restart, crash.
@Suite("persistent server: init, unseal, restart")
struct PersistentServerTests {
    struct Initialised {
        var keys: [String]
        var keysBase64: [String]
        var rootToken: String
    }

    func initialise(_ client: VaultTestClient) async throws -> Initialised {
        let status = try await client.request("GET", "sys/init", useToken: false)
        #expect(status.json?["initialized"] == .bool(false))
        let health = try await client.request("GET", "sys/health", useToken: false)
        #expect(health.status == 501)
        let response = try await client.request("PUT", "sys/init", json: ["secret_shares": .int(5), "secret_threshold": .int(3)], useToken: false)
        #expect(response.status == 200)
        guard case .array(let keys)? = response.json?["keys"], case .array(let b64)? = response.json?["keys_base64"],
              let token = response.json?["root_token"]?.stringValue else {
            Issue.record("unexpected init response: \(response.text)")
            throw CancellationError()
        }
        return Initialised(keys: keys.compactMap(\.stringValue), keysBase64: b64.compactMap(\.stringValue), rootToken: token)
    }

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

        let initialised = try await initialise(client)
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

    @Test func wrongKeysAreRefusedAndResetProgress() async throws {
        let dir = try TemporaryDirectory()
        let server = try await ServerProcess.start(config: try persistentConfig(in: dir))
        defer { Task { await server.stop() } }
        let client = VaultTestClient(address: server.address)
        let initialised = try await initialise(client)

        // Keys of the right shape that belong to no split: refused at the threshold, progress reset.
        let bogus = (0..<3).map { i in String(repeating: String(format: "%02x", i + 1), count: 33) }
        _ = try await client.request("PUT", "sys/unseal", json: ["key": .string(bogus[0])], useToken: false)
        _ = try await client.request("PUT", "sys/unseal", json: ["key": .string(bogus[1])], useToken: false)
        let third = try await client.request("PUT", "sys/unseal", json: ["key": .string(bogus[2])], useToken: false)
        #expect(third.status == 400)
        #expect(third.errors.first?.contains("invalid key") == true)
        let status = try await client.request("GET", "sys/seal-status", useToken: false)
        #expect(status.json?["progress"] == .int(0))
        #expect(status.json?["sealed"] == .bool(true))

        // Two real keys and one wrong one do not unseal either.
        _ = try await client.request("PUT", "sys/unseal", json: ["key": .string(initialised.keys[0])], useToken: false)
        _ = try await client.request("PUT", "sys/unseal", json: ["key": .string(initialised.keys[1])], useToken: false)
        let mixed = try await client.request("PUT", "sys/unseal", json: ["key": .string(bogus[0])], useToken: false)
        #expect(mixed.status == 400)

        // reset clears progress.
        _ = try await client.request("PUT", "sys/unseal", json: ["key": .string(initialised.keys[0])], useToken: false)
        let reset = try await client.request("PUT", "sys/unseal", json: ["reset": .bool(true)], useToken: false)
        #expect(reset.json?["progress"] == .int(0))

        // Init twice is refused.
        let again = try await client.request("PUT", "sys/init", json: ["secret_shares": .int(1), "secret_threshold": .int(1)], useToken: false)
        #expect(again.status == 400)
        // While sealed, a root token is no use.
        #expect(try await VaultTestClient(address: server.address, token: initialised.rootToken).read("sys/mounts").status == 503)
    }

    @Test func initParametersAreValidated() async throws {
        let dir = try TemporaryDirectory()
        let server = try await ServerProcess.start(config: try persistentConfig(in: dir))
        defer { Task { await server.stop() } }
        let client = VaultTestClient(address: server.address)
        for (shares, threshold) in [(0, 0), (3, 4), (256, 3), (3, 1)] {
            let response = try await client.request("PUT", "sys/init", json: ["secret_shares": .int(Int64(shares)), "secret_threshold": .int(Int64(threshold))], useToken: false)
            #expect(response.status == 400, "shares \(shares) threshold \(threshold)")
        }
        let missing = try await client.request("PUT", "sys/init", json: [:], useToken: false)
        #expect(missing.status == 400)
        // Strings work as numbers, as Vault's CLI sends them.
        let ok = try await client.request("PUT", "sys/init", json: ["secret_shares": "1", "secret_threshold": "1"], useToken: false)
        #expect(ok.status == 200)
    }

    @Test func oversizedBodyIs413() async throws {
        let dir = try TemporaryDirectory()
        let server = try await ServerProcess.start(config: try persistentConfig(in: dir, extraListener: "max_request_size = 4096"))
        defer { Task { await server.stop() } }
        let client = VaultTestClient(address: server.address)
        let init1 = try await client.request("PUT", "sys/init", json: ["secret_shares": .int(1), "secret_threshold": .int(1)], useToken: false)
        let key = try #require(init1.json?["keys"].flatMap { if case .array(let a) = $0 { return a.first?.stringValue } else { return nil } })
        _ = try await client.request("PUT", "sys/unseal", json: ["key": .string(key)], useToken: false)
        let authed = VaultTestClient(address: server.address, token: init1.json?["root_token"]?.stringValue)
        let big = try await authed.write("sys/mounts/kv", ["type": "kv", "description": .string(String(repeating: "x", count: 10_000))])
        #expect(big.status == 413)
        #expect(big.errors.first?.contains("too large") == true)
        // The server still serves afterwards.
        #expect(try await authed.read("sys/mounts").status == 200)
    }
}
