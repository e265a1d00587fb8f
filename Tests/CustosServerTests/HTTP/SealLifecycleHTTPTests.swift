import CustosJSON
import CustosCore
import CustosServer
import CustosTesting
import Foundation
import Testing
import VaultAPI

/// A server that starts uninitialised: init parameters, unseal progress and wrong keys, the
/// request size limit; over HTTP, in process (restarts and crashes: `PersistentServerTests`).
@Suite("uninitialised server: init and unseal over HTTP")
struct SealLifecycleHTTPTests {
    /// What the end-to-end tests' persistent config file sets, on in-memory storage.
    static func persistent(maxRequestSize: Int = 32 * 1024 * 1024) -> ServerConfiguration {
        ServerConfiguration(
            storage: .inMemory, listeners: [.init(tlsDisable: true, maxRequestSize: maxRequestSize)],
            defaultLeaseTTL: 3600, maxLeaseTTL: 24 * 3600)
    }

    @Test func wrongKeysAreRefusedAndResetProgress() async throws {
        try await withInProcessServer(configuration: Self.persistent(), dev: false) { server in
            let client = server.client()
            let initialised = try await client.initialiseWithFiveShares()

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
            #expect(try await server.client(token: initialised.rootToken).read("sys/mounts").status == 503)
        }
    }

    @Test func initParametersAreValidated() async throws {
        try await withInProcessServer(configuration: Self.persistent(), dev: false) { server in
            let client = server.client()
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
    }

    @Test func oversizedBodyIs413() async throws {
        try await withInProcessServer(configuration: Self.persistent(maxRequestSize: 4096), dev: false) { server in
            let client = server.client()
            let init1 = try await client.request("PUT", "sys/init", json: ["secret_shares": .int(1), "secret_threshold": .int(1)], useToken: false)
            let key = try #require(init1.json?["keys"].flatMap { if case .array(let a) = $0 { return a.first?.stringValue } else { return nil } })
            _ = try await client.request("PUT", "sys/unseal", json: ["key": .string(key)], useToken: false)
            let authed = server.client(token: init1.json?["root_token"]?.stringValue)
            let big = try await authed.write("sys/mounts/kv", ["type": "kv", "description": .string(String(repeating: "x", count: 10_000))])
            #expect(big.status == 413)
            #expect(big.errors.first?.contains("too large") == true)
            // The server still serves afterwards.
            #expect(try await authed.read("sys/mounts").status == 200)
        }
    }

}
