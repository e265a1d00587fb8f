import CustosCore
import CustosJSON
import CustosTesting
import Foundation
import Testing

/// Tokens and policies against a real `custos server`: with `bao` and hvac, expiry on a real TTL,
/// and what storage holds (the HTTP answers alone: `TokenHTTPTests` in CustosServerTests).
@Suite("tokens and policies with bao and hvac")
struct TokenEndToEndTests {
    static let env = URL(fileURLWithPath: "/usr/bin/env")

    static let appsPolicy = """
        # The Vault guide's apps policy, plus the same grant on a KV path (no database engine yet).
        path "database/creds/readonly" {
          capabilities = ["read"]
        }
        path "secret/apps/readonly" {
          capabilities = ["read"]
        }
        """

    func bao(_ server: ServerProcess, _ arguments: [String], token: String? = nil, stdin: String? = nil) async throws -> CLI.Result {
        var arguments = arguments
        if let stdin {
            // `bao policy write NAME -` reads stdin: pass the text through a file instead.
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("policy-\(UUID().uuidString).hcl")
            try Data(stdin.utf8).write(to: file)
            arguments = arguments.map { $0 == "-" ? file.path : $0 }
        }
        return try await ChildProcess.run(executable: Self.env, arguments: ["bao"] + arguments, environment: [
            "BAO_ADDR": server.address, "BAO_TOKEN": token ?? server.rootToken ?? "",
            "HOME": FileManager.default.temporaryDirectory.path,
        ])
    }

    @Test func baoTokenWithTheAppsPolicyReadsOnlyWhatItAllows() async throws {
        let server = try await ServerProcess.startDev()
        defer { Task { await server.stop() } }
        let root = VaultTestClient(address: server.address, token: server.rootToken)
        #expect(try await root.write("secret/apps/readonly", ["username": "ro"]).status == 204)
        #expect(try await root.write("secret/apps/admin", ["username": "admin"]).status == 204)

        let write = try await bao(server, ["policy", "write", "apps", "-"], stdin: Self.appsPolicy)
        #expect(write.exitCode == 0, "\(write.stderr)")
        let created = try await bao(server, ["token", "create", "-policy=apps", "-format=json"])
        #expect(created.exitCode == 0, "\(created.stderr)")
        let json = try JSONDecoder().decode([String: JSONValue].self, from: Data(created.stdout.utf8))
        let auth = try #require(json["auth"]?.objectValue)
        let token = try #require(auth["client_token"]?.stringValue)
        #expect(auth["policies"] == .array([.string("apps"), .string("default")]))
        #expect(auth["token_policies"] == auth["policies"])
        #expect(auth["renewable"] == .bool(true))
        #expect(auth["orphan"] == .bool(false))
        #expect(auth["lease_duration"] == .int(768 * 3600))

        let allowed = try await bao(server, ["read", "-field=username", "secret/apps/readonly"], token: token)
        #expect(allowed.exitCode == 0, "\(allowed.stderr)")
        #expect(allowed.stdout == "ro")
        for arguments in [["read", "secret/apps/admin"], ["write", "secret/apps/readonly", "a=b"], ["list", "secret/"], ["secrets", "list"]] {
            let denied = try await bao(server, arguments, token: token)
            #expect(denied.exitCode == 2, "\(arguments)")
            #expect(denied.stderr.contains("permission denied"), "\(arguments): \(denied.stderr)")
        }
        let app = VaultTestClient(address: server.address, token: token)
        let other = try await app.read("secret/apps/admin")
        #expect(other.status == 403)
        #expect(other.errors == ["permission denied"])
        // The guide's path itself is granted (no engine there yet: 404, not 403).
        #expect(try await app.read("database/creds/readonly").status == 404)
        #expect(try await app.read("database/creds/readwrite").status == 403)

        let capabilities = try await bao(server, ["token", "capabilities", token, "database/creds/readonly"])
        #expect(capabilities.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "read", "\(capabilities.stderr)")
        let lookup = try await bao(server, ["token", "lookup", "-format=json"], token: token)
        #expect(lookup.exitCode == 0, "\(lookup.stderr)")
        #expect(lookup.stdout.contains("\"display_name\": \"token\""))
        let renew = try await bao(server, ["token", "renew"], token: token)
        #expect(renew.exitCode == 0, "\(renew.stderr)")
        let revoke = try await bao(server, ["token", "revoke", "-self"], token: token)
        #expect(revoke.exitCode == 0, "\(revoke.stderr)")
        #expect(try await app.read("secret/apps/readonly").status == 403)

        let policies = try await bao(server, ["policy", "list"])
        #expect(policies.stdout.split(separator: "\n") == ["apps", "default", "root"])
        let read = try await bao(server, ["policy", "read", "apps"])
        #expect(read.stdout.contains("database/creds/readonly"))
    }

    /// On a server process: a 1 s TTL must not run out inside the create request itself, which a
    /// server sharing the test process's threads cannot promise under a full test run.
    @Test func tokensExpireOnTheirTTL() async throws {
        let server = try await ServerProcess.startDev()
        defer { Task { await server.stop() } }
        let root = VaultTestClient(address: server.address, token: server.rootToken)
        let created = try await root.write("auth/token/create", ["ttl": "1s", "policies": .array([.string("default")])])
        #expect(created.json?["auth"]?.objectValue?["lease_duration"] == .int(1))
        let token = try #require(created.json?["auth"]?.objectValue?["client_token"]?.stringValue)
        let client = VaultTestClient(address: server.address, token: token)
        // Poll (bounded) until the server refuses it: expiry is the server's clock, not ours.
        let deadline = ContinuousClock.now + .seconds(15)
        var status = 200
        while ContinuousClock.now < deadline {
            status = try await client.read("auth/token/lookup-self").status
            if status == 403 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(status == 403)
        let lookup = try await root.write("auth/token/lookup", ["token": .string(token)])
        #expect(lookup.status == 403)
    }

    @Test func hvacCreatesLooksUpAndRevokesTokens() async throws {
        let server = try await ServerProcess.startDev()
        defer { Task { await server.stop() } }
        let script = """
            import sys, hvac
            client = hvac.Client(url=sys.argv[1], token=sys.argv[2])
            client.sys.create_or_update_policy("apps", 'path "secret/apps/*" { capabilities = ["read"] }')
            assert "apps" in client.sys.list_policies()["data"]["policies"]
            created = client.auth.token.create(policies=["apps"], ttl="1h", meta={"team": "a"})
            token = created["auth"]["client_token"]
            looked = client.auth.token.lookup(token)["data"]
            assert looked["policies"] == ["apps", "default"], looked
            assert looked["meta"] == {"team": "a"}, looked
            app = hvac.Client(url=sys.argv[1], token=token)
            assert app.is_authenticated()
            # hvac sends display_name="token" by default: Vault answers "token-token" too.
            assert app.auth.token.lookup_self()["data"]["display_name"] == "token-token"
            client.auth.token.revoke(token)
            assert not app.is_authenticated()
            print("hvac tokens ok")
            """
        let result = try await ChildProcess.run(executable: Self.env, arguments: ["python3", "-c", script, server.address, server.rootToken!])
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout.contains("hvac tokens ok"))
    }

    @Test func storageHoldsNoTokenInPlainText() async throws {
        let dir = try TemporaryDirectory()
        let config = try persistentConfig(in: dir)
        let server = try await ServerProcess.start(config: config)
        var client = VaultTestClient(address: server.address)
        let initialised = try await client.request("PUT", "sys/init", json: ["secret_shares": .int(1), "secret_threshold": .int(1)], useToken: false)
        let rootToken = try #require(initialised.json?["root_token"]?.stringValue)
        let key = try #require(initialised.json?["keys"].flatMap { value -> String? in
            if case .array(let keys) = value { return keys.first?.stringValue }
            return nil
        })
        _ = try await client.request("PUT", "sys/unseal", json: ["key": .string(key)], useToken: false)
        client.token = rootToken
        var tokens = [rootToken]
        var accessors: [String] = []
        for _ in 0..<3 {
            let created = try await client.write("auth/token/create", ["policies": .array([.string("default")])])
            tokens.append(try #require(created.json?["auth"]?.objectValue?["client_token"]?.stringValue))
            accessors.append(try #require(created.json?["auth"]?.objectValue?["accessor"]?.stringValue))
        }
        #expect(await server.stop() == 0)
        let dataDir = dir.url.appendingPathComponent("data")
        for file in try FileManager.default.contentsOfDirectory(atPath: dataDir.path) {
            let bytes = try Data(contentsOf: dataDir.appendingPathComponent(file))
            for marker in tokens + accessors {
                #expect(bytes.range(of: Data(marker.utf8)) == nil, "a token or accessor found in \(file)")
            }
        }
    }
}
