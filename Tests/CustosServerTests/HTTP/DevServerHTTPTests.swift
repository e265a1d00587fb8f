import CustosJSON
import CustosCore
import CustosServer
import CustosTesting
import Foundation
import Testing

/// The dev server as a client meets it over HTTP, in process: `custos server -dev`'s core and
/// HTTP application on in-memory connections.
@Suite("dev server over HTTP")
struct DevServerHTTPTests {
    @Test func healthAndSealStatusWithoutToken() async throws {
        // On SQLite, as `custos server -dev` stores its data.
        let dir = try TemporaryDirectory()
        try await withInProcessServer(configuration: .dev(storage: .sqlite(path: dir.url.path + "/custos.db"))) { server in
            let anonymous = server.client()

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
    }

    @Test func kvRoundTripWithListMethodAndBearerToken() async throws {
        try await withInProcessServer(rootToken: "dev-root-\(UUID().uuidString)") { server in
            let client = server.client(token: server.rootToken)

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
            let bearer = server.client()
            let viaBearer = try await bearer.request("GET", "secret/app/db", headers: [("Authorization", "Bearer \(server.rootToken!)")])
            #expect(viaBearer.status == 200)

            #expect(try await client.delete("secret/app/db").status == 204)
            let gone = try await client.read("secret/app/db")
            #expect(gone.status == 404)
            #expect(gone.json?["errors"] == .array([]))
        }
    }

    @Test func missingOrWrongTokenIsPermissionDenied() async throws {
        try await withInProcessServer { server in
            let none = try await server.client().read("secret/x")
            #expect(none.status == 403)
            #expect(none.errors == ["permission denied"])
            let wrong = try await server.client(token: "cst.not-a-real-token").read("sys/mounts")
            #expect(wrong.status == 403)
            #expect(wrong.errors == ["permission denied"])
        }
    }

    @Test func badInputGetsClearClientErrors() async throws {
        try await withInProcessServer { server in
            let client = server.client(token: server.rootToken)

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
        }
    }
}
