import CustosCore
import CustosJSON
import CustosTesting
import Foundation
import Testing

/// The dev server as a user meets it: a real `custos server -dev` process, real HTTP on loopback.
@Suite("dev server over HTTP")
struct DevServerTests {
    @Test func healthAndSealStatusWithoutToken() async throws {
        let server = try await ServerProcess.startDev()
        defer { Task { await server.stop() } }
        let anonymous = VaultTestClient(address: server.address)

        let health = try await anonymous.request("GET", "sys/health", useToken: false)
        #expect(health.status == 200)
        #expect(health.json?["initialized"] == .bool(true))
        #expect(health.json?["sealed"] == .bool(false))

        let status = try await anonymous.request("GET", "sys/seal-status", useToken: false)
        #expect(status.status == 200)
        #expect(status.json?["type"] == .string("shamir"))
        #expect(status.json?["t"] == .int(1))
        #expect(status.json?["storage_type"] == .string("sqlite"))
    }

    @Test func kvRoundTripWithListMethodAndBearerToken() async throws {
        let server = try await ServerProcess.startDev(rootToken: "dev-root-\(UUID().uuidString)")
        defer { Task { await server.stop() } }
        let client = VaultTestClient(address: server.address, token: server.rootToken)

        let write = try await client.write("secret/app/db", ["username": "app", "port": .int(5432), "nested": .object(["a": .bool(true)])])
        #expect(write.status == 204)
        _ = try await client.write("secret/app/api", ["key": "v"])

        let read = try await client.read("secret/app/db")
        #expect(read.status == 200)
        #expect(read.data?["username"] == .string("app"))
        #expect(read.data?["port"] == .int(5432))
        #expect(read.data?["nested"] == .object(["a": .bool(true)]))
        #expect(read.json?["request_id"]?.stringValue?.isEmpty == false)
        #expect(read.json?["lease_duration"] == .int(768 * 3600))

        // Real `LIST` method (hvac, curl -X LIST) and `GET ?list=true` (Vault's Go client).
        let listed = try await client.list("secret/app")
        #expect(listed.status == 200)
        #expect(listed.data?["keys"] == .array([.string("api"), .string("db")]))
        let listedByQuery = try await client.request("GET", "secret/?list=true")
        #expect(listedByQuery.data?["keys"] == .array([.string("app/")]))

        // Authorization: Bearer works like X-Vault-Token.
        let bearer = VaultTestClient(address: server.address)
        let viaBearer = try await bearer.request("GET", "secret/app/db", headers: [("Authorization", "Bearer \(server.rootToken!)")])
        #expect(viaBearer.status == 200)

        #expect(try await client.delete("secret/app/db").status == 204)
        let gone = try await client.read("secret/app/db")
        #expect(gone.status == 404)
        #expect(gone.json?["errors"] == .array([]))
    }

    @Test func missingOrWrongTokenIsPermissionDenied() async throws {
        let server = try await ServerProcess.startDev()
        defer { Task { await server.stop() } }
        let none = try await VaultTestClient(address: server.address).read("secret/x")
        #expect(none.status == 403)
        #expect(none.errors == ["permission denied"])
        let wrong = try await VaultTestClient(address: server.address, token: "cst.not-a-real-token").read("sys/mounts")
        #expect(wrong.status == 403)
        #expect(wrong.errors == ["permission denied"])
    }

    @Test func badInputGetsClearClientErrors() async throws {
        let server = try await ServerProcess.startDev()
        defer { Task { await server.stop() } }
        let client = VaultTestClient(address: server.address, token: server.rootToken)

        let malformed = try await client.request("POST", "secret/x", rawBody: Data("{not json".utf8))
        #expect(malformed.status == 400)
        #expect(malformed.errors.first?.contains("JSON") == true)

        let notObject = try await client.request("POST", "secret/x", rawBody: Data("[1,2]".utf8))
        #expect(notObject.status == 400)

        let wrongType = try await client.write("sys/mounts/kv2", ["type": .int(5)])
        #expect(wrongType.status == 400)
        #expect(wrongType.errors.first?.contains("type") == true)

        let badTTL = try await client.write("sys/mounts/kv3", ["type": "kv", "config": .object(["default_lease_ttl": "soon"])])
        #expect(badTTL.status == 400)
        #expect(badTTL.errors.first?.contains("default_lease_ttl") == true)

        let unknownPath = try await client.read("nowhere/at/all")
        #expect(unknownPath.status == 404)
        #expect(unknownPath.errors.first?.contains("no handler for route") == true)

        let notV1 = try await client.request("GET", "../etc/passwd", useToken: true)
        #expect(notV1.status == 404 || notV1.status == 400)

        let unsupportedMethod = try await client.request("PATCH", "sys/mounts")
        #expect(unsupportedMethod.status == 405)

        let emptyWrite = try await client.write("secret/empty", [:])
        #expect(emptyWrite.status == 400)

        let badUnseal = try await client.write("sys/unseal", ["key": "zz-not-a-key"])
        #expect(badUnseal.status == 400)

        #expect(try await client.delete("sys/mounts/sys").status == 400)
        #expect(try await client.write("sys/policies/acl/empty", ["policy": ""]).status == 400)
        #expect(try await client.write("auth/token/revoke-orphan", ["token": "cst.unknown"]).status == 400)

        // The CLI prints TTL-like fields as durations, as Vault's does.
        let tune = try await CLI.run(["read", "sys/mounts/secret/tune"], env: ["CUSTOS_ADDR": server.address, "CUSTOS_TOKEN": server.rootToken!])
        #expect(tune.stdout.contains("768h"), "\(tune.stdout)")
    }

    @Test func mountsEnableListTuneDisable() async throws {
        let server = try await ServerProcess.startDev()
        defer { Task { await server.stop() } }
        let client = VaultTestClient(address: server.address, token: server.rootToken)

        let enable = try await client.write("sys/mounts/team/kv", [
            "type": "kv", "description": "team secrets",
            "config": .object(["default_lease_ttl": "1h", "max_lease_ttl": .int(7200)]),
        ])
        #expect(enable.status == 204)

        let mounts = try await client.read("sys/mounts")
        #expect(mounts.status == 200)
        let team = try #require(mounts.data?["team/kv/"]?.objectValue)
        #expect(team["type"] == .string("kv"))
        #expect(team["description"] == .string("team secrets"))
        #expect(team["config"]?.objectValue?["default_lease_ttl"] == .int(3600))
        #expect(team["config"]?.objectValue?["max_lease_ttl"] == .int(7200))
        #expect(mounts.data?["secret/"]?.objectValue?["type"] == .string("kv"))
        #expect(mounts.data?["sys/"]?.objectValue?["type"] == .string("system"))
        // Legacy clients read the mounts at the top level too.
        #expect(mounts.json?["team/kv/"] != nil)

        #expect(try await client.write("sys/mounts/team/kv/tune", ["max_lease_ttl": "3h", "description": "tuned"]).status == 204)
        let tune = try await client.read("sys/mounts/team/kv/tune")
        #expect(tune.data?["max_lease_ttl"] == .int(3 * 3600))
        #expect(tune.data?["default_lease_ttl"] == .int(3600))
        #expect(tune.data?["description"] == .string("tuned"))

        let tooLong = try await client.write("sys/mounts/team/kv/tune", ["default_lease_ttl": "5h"])
        #expect(tooLong.status == 400)

        let taken = try await client.write("sys/mounts/team/kv", ["type": "kv"])
        #expect(taken.status == 400)
        #expect(taken.errors.first?.contains("already in use") == true)
        let nested = try await client.write("sys/mounts/team/kv/inner", ["type": "kv"])
        #expect(nested.status == 400)
        let parent = try await client.write("sys/mounts/team", ["type": "kv"])
        #expect(parent.status == 400)
        let unknownType = try await client.write("sys/mounts/other", ["type": "no-such-engine"])
        #expect(unknownType.status == 400)
        #expect(unknownType.errors.first?.contains("no-such-engine") == true)
        let kv2 = try await client.write("sys/mounts/other", ["type": "kv", "options": .object(["version": "2"])])
        #expect(kv2.status == 400)
        let reserved = try await client.write("sys/mounts/sys/x", ["type": "kv"])
        #expect(reserved.status == 400)

        _ = try await client.write("team/kv/a", ["v": "1"])
        // KV's refresh interval is the mount's default TTL, capped by its max.
        #expect(try await client.read("team/kv/a").json?["lease_duration"] == .int(3600))
        #expect(try await client.write("sys/mounts/team/kv/tune", ["max_lease_ttl": "30m", "default_lease_ttl": "20m"]).status == 204)
        #expect(try await client.read("team/kv/a").json?["lease_duration"] == .int(1200))
        #expect(try await client.delete("sys/mounts/team/kv").status == 204)
        #expect(try await client.read("team/kv/a").status == 404)
        // Re-enabling the path starts empty: disabling deleted the data.
        _ = try await client.write("sys/mounts/team/kv", ["type": "kv"])
        #expect(try await client.read("team/kv/a").status == 404)
    }

    @Test func sealThenEverythingButSealPathsIs503() async throws {
        let server = try await ServerProcess.startDev()
        defer { Task { await server.stop() } }
        let client = VaultTestClient(address: server.address, token: server.rootToken)
        #expect(try await client.write("sys/seal", [:]).status == 204)
        let read = try await client.read("secret/anything")
        #expect(read.status == 503)
        #expect(read.errors == ["Custos is sealed"])
        let health = try await client.request("GET", "sys/health", useToken: false)
        #expect(health.status == 503)
        #expect(try await client.request("GET", "sys/health?sealedcode=299", useToken: false).status == 299)
        // The dev unseal key opens it again.
        let unseal = try await client.write("sys/unseal", ["key": .string(server.unsealKey!)])
        #expect(unseal.status == 200)
        #expect(unseal.json?["sealed"] == .bool(false))
        #expect(try await client.read("sys/mounts").status == 200)
    }

    @Test func barrierKeyRotation() async throws {
        let server = try await ServerProcess.startDev()
        defer { Task { await server.stop() } }
        let client = VaultTestClient(address: server.address, token: server.rootToken)
        _ = try await client.write("secret/before", ["v": "old term"])
        #expect(try await client.read("sys/key-status").data?["term"] == .int(1))
        #expect(try await client.write("sys/rotate", [:]).status == 204)
        #expect(try await client.read("sys/key-status").data?["term"] == .int(2))
        _ = try await client.write("secret/after", ["v": "new term"])
        #expect(try await client.read("secret/before").data?["v"] == .string("old term"))
        #expect(try await client.read("secret/after").data?["v"] == .string("new term"))
    }
}
