import CustosJSON
import CustosCore
import CustosTesting
import Testing

/// Mounts, sealing and key rotation through `sys/`, over HTTP in process.
@Suite("dev server over HTTP: mounts, seal, rotation")
struct DevServerSystemHTTPTests {
    @Test func mountsEnableListTuneDisable() async throws {
        try await withInProcessServer { server in
            let client = server.client(token: server.rootToken)

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
    }

    @Test func sealThenEverythingButSealPathsIs503() async throws {
        try await withInProcessServer { server in
            let client = server.client(token: server.rootToken)
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
    }

    @Test func barrierKeyRotation() async throws {
        try await withInProcessServer { server in
            let client = server.client(token: server.rootToken)
            _ = try await client.write("secret/before", ["v": "old term"])
            #expect(try await client.read("sys/key-status").data?["term"] == .int(1))
            #expect(try await client.write("sys/rotate", [:]).status == 204)
            #expect(try await client.read("sys/key-status").data?["term"] == .int(2))
            _ = try await client.write("secret/after", ["v": "new term"])
            #expect(try await client.read("secret/before").data?["v"] == .string("old term"))
            #expect(try await client.read("secret/after").data?["v"] == .string("new term"))
        }
    }

}
