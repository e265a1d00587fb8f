import CustosJSON
import CustosCore
import CustosTesting
import Testing

/// `sys/auth`: the token store is the one auth method, shown, tuned, guarded and refused as
/// OpenBao 2.7 shows, tunes, guards and refuses it (each message checked against `bao server -dev`).
@Suite("auth methods over HTTP")
struct AuthMethodsHTTPTests {
    @Test func theTokenStoreIsListedReadAndTunedAsInVault() async throws {
        try await withInProcessServer { server in
            let client = server.client(token: server.rootToken)
            let listed = try await client.read("sys/auth")
            #expect(listed.status == 200)
            let token = try #require(listed.data?["token/"]?.objectValue)
            #expect(token["type"] == "token")
            #expect(token["description"] == "token based credentials")
            #expect(token["config"]?.objectValue?["token_type"] == "default-service")
            #expect(listed.json?["token/"] != nil, "old clients read the methods at the top level")
            #expect(Set(listed.data?.keys ?? [:].keys) == ["token/"])

            let read = try await client.read("sys/auth/token")
            #expect(read.data?["type"] == "token")
            // The token store's TTLs are the server's (768 h by default), through either path.
            for path in ["sys/auth/token/tune", "sys/mounts/auth/token/tune"] {
                let tune = try await client.read(path)
                #expect(tune.status == 200, "\(path): \(tune.text)")
                #expect(tune.data?["max_lease_ttl"] == .int(768 * 3600))
                #expect(tune.data?["token_type"] == "default-service")
            }
            // Secrets-engine mounts carry no token type.
            #expect(try await client.read("sys/mounts").data?["secret/"]?.objectValue?["config"]?.objectValue?["token_type"] == nil)
        }
    }

    @Test func enablingDisablingAndTuningAreRefusedWithClearMessages() async throws {
        try await withInProcessServer { server in
            let client = server.client(token: server.rootToken)
            let cases: [(String, String, [String: JSONValue], String)] = [
                ("POST", "sys/auth/userpass", ["type": "userpass"],
                 "auth method \"userpass\" is not available: Custos authenticates with tokens only (auth/token/)"),
                ("POST", "sys/auth/x", [:], "backend type must be specified as a string"),
                ("POST", "sys/auth/token2", ["type": "token"], "token credential backend cannot be instantiated"),
                ("POST", "sys/auth/token", ["type": "userpass"], "path is already in use at token/"),
                ("DELETE", "sys/auth/token", [:], "token credential backend cannot be disabled"),
                ("GET", "sys/auth/nope", [:], "No auth engine at nope/"),
                ("GET", "sys/auth/nope/tune", [:], "cannot fetch sysview for path \"auth/nope/\""),
                ("POST", "sys/auth/nope/tune", ["default_lease_ttl": "1h"], "tune of path \"auth/nope/\" failed: no mount entry found"),
            ]
            for (method, path, body, message) in cases {
                let response = try await client.request(method, path, json: body.isEmpty ? nil : body)
                #expect(response.status == 400, "\(method) \(path): \(response.text)")
                #expect(response.errors == [message], "\(method) \(path)")
            }
            let description = try await client.write("sys/auth/token/tune", ["description": "mine"])
            #expect(description.errors == ["the token store's description and options cannot be tuned"])
            let tooLong = try await client.write("sys/auth/token/tune", ["max_lease_ttl": "10000h"])
            #expect(tooLong.errors == ["max_lease_ttl (10000h) cannot be greater than the system maximum (768h)"], "\(tooLong.text)")
            // Disabling a method that is not enabled is fine, as in Vault.
            #expect(try await client.delete("sys/auth/nope").status == 204)
        }
    }

    @Test func managingAuthMethodsNeedsSudoListingThemDoesNot() async throws {
        try await withInProcessServer { server in
            let root = server.client(token: server.rootToken)
            #expect(try await root.write("sys/policies/acl/auth-reader", [
                "policy": #"path "sys/auth" { capabilities = ["read"] } path "sys/auth/*" { capabilities = ["read", "update", "delete"] }"#,
            ]).status == 204)
            let created = try await root.write("auth/token/create", ["policies": ["auth-reader"]])
            let token = try #require(created.json?["auth"]?.objectValue?["client_token"]?.stringValue)
            let reader = server.client(token: token)
            #expect(try await reader.read("sys/auth").status == 200)
            #expect(try await reader.read("sys/auth/token").status == 403)
            #expect(try await reader.delete("sys/auth/token").status == 403)
        }
    }
}

extension AuthMethodsHTTPTests {
    /// Tuning the token store's TTLs changes what new tokens get and how far they renew; it is
    /// stored, so it holds after a seal; `system` goes back to the server's.
    @Test func tuningTheTokenStoreSetsTokenTTLsAndSurvivesASeal() async throws {
        try await withInProcessServer { server in
            let client = server.client(token: server.rootToken)
            #expect(try await client.write("sys/auth/token/tune", ["default_lease_ttl": "20m", "max_lease_ttl": "1h"]).status == 204)
            let tuned = try await client.read("sys/auth/token/tune")
            #expect(tuned.data?["default_lease_ttl"] == .int(1200))
            #expect(tuned.data?["max_lease_ttl"] == .int(3600))
            #expect(try await client.read("sys/auth").data?["token/"]?.objectValue?["config"]?.objectValue?["max_lease_ttl"] == .int(3600))

            func create(_ body: [String: JSONValue]) async throws -> (ttl: JSONValue?, warnings: JSONValue?, token: String?) {
                let created = try await client.write("auth/token/create", body.merging(["policies": ["default"]]) { a, _ in a })
                #expect(created.status == 200, "\(created.text)")
                let auth = created.json?["auth"]?.objectValue
                return (auth?["lease_duration"], created.json?["warnings"], auth?["client_token"]?.stringValue)
            }
            #expect(try await create([:]).ttl == .int(1200))
            let capped = try await create(["ttl": "5h"])
            #expect(capped.ttl == .int(3600))
            #expect(capped.warnings?.arrayValue?.count == 1)
            let renewed = try await client.write("auth/token/renew", ["token": .string(try #require(capped.token)), "increment": "3h"])
            #expect(renewed.json?["auth"]?.objectValue?["lease_duration"].flatMap { if case .int(let v) = $0 { v } else { nil } }.map { $0 <= 3600 } == true)

            // Stored: a seal and unseal keep it.
            #expect(try await client.write("sys/seal", [:]).status == 204)
            #expect(try await client.write("sys/unseal", ["key": .string(try #require(server.unsealKey))]).status == 200)
            #expect(try await client.read("sys/auth/token/tune").data?["max_lease_ttl"] == .int(3600))
            #expect(try await create([:]).ttl == .int(1200))

            // `system`: the server's TTLs again (768 h).
            #expect(try await client.write("sys/auth/token/tune", ["default_lease_ttl": "system", "max_lease_ttl": "system"]).status == 204)
            #expect(try await create([:]).ttl == .int(768 * 3600))
        }
    }
}
