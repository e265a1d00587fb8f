import CustosJSON
import CustosTesting
import Foundation
import Testing

@Suite("custos CLI: secrets enable, list, tune, disable")
struct CLISecretsEngineTests {
    @Test func enableListTuneDisable() async throws {
        try await withCLISession { session in
            let enable = try await session.run([
                "secrets", "enable", "-path=team-kv", "-description=team secrets",
                "-default-lease-ttl=1h", "-max-lease-ttl=2h", "kv",
            ])
            #expect(enable.exitCode == 0, "\(enable.stderr)")
            #expect(enable.stdout == "Success! Enabled the kv secrets engine at: team-kv/\n")

            let table = try await session.run(["secrets", "list"])
            #expect(table.exitCode == 0, "\(table.stderr)")
            let lines = table.stdout.split(separator: "\n").map(String.init)
            let header = try #require(lines.first)
            #expect(header.split(separator: " ", omittingEmptySubsequences: true) == ["Path", "Type", "Accessor", "Description"])
            let row = try #require(lines.first { $0.hasPrefix("team-kv/ ") })
            #expect(row.contains(" kv "))
            #expect(row.hasSuffix("team secrets"))

            var mounts = try cliJSON(try await session.run(["secrets", "list", "-format=json"]).stdout)
            #expect(mounts["team-kv/"]?["type"] == .string("kv"))
            #expect(mounts["team-kv/"]?["config"]?["default_lease_ttl"] == .int(3600))
            #expect(mounts["team-kv/"]?["config"]?["max_lease_ttl"] == .int(7200))

            let tune = try await session.run([
                "secrets", "tune", "--default-lease-ttl", "30m", "-description=tuned", "team-kv/",
            ])
            #expect(tune.exitCode == 0, "\(tune.stderr)")
            #expect(tune.stdout == "Success! Tuned the secrets engine at: team-kv/\n")
            mounts = try cliJSON(try await session.run(["secrets", "list", "-format=json"]).stdout)
            #expect(mounts["team-kv/"]?["config"]?["default_lease_ttl"] == .int(1800))
            #expect(mounts["team-kv/"]?["description"] == .string("tuned"))

            let detailed = try await session.run(["secrets", "list", "-detailed"])
            #expect(detailed.exitCode == 0, "\(detailed.stderr)")
            let detailedRow = try #require(detailed.stdout.split(separator: "\n").first { $0.hasPrefix("team-kv/ ") })
            #expect(detailedRow.contains(" 1800 "))
            #expect(detailedRow.contains(" 7200 "))
            // `read` prints TTL-like fields as durations, as Vault's CLI does.
            let secretTune = try await session.run(["read", "sys/mounts/secret/tune"])
            #expect(secretTune.stdout.contains("768h"), "\(secretTune.stdout)")

            let disable = try await session.run(["secrets", "disable", "team-kv"])
            #expect(disable.exitCode == 0, "\(disable.stderr)")
            #expect(disable.stdout == "Success! Disabled the secrets engine (if it existed) at: team-kv/\n")
            mounts = try cliJSON(try await session.run(["secrets", "list", "-format=json"]).stdout)
            #expect(mounts["team-kv/"] == nil)
        }
    }

    @Test func pathDefaultsToTheEngineType() async throws {
        try await withCLISession { session in
            let enable = try await session.run(["secrets", "enable", "kv"])
            #expect(enable.exitCode == 0, "\(enable.stderr)")
            #expect(enable.stdout == "Success! Enabled the kv secrets engine at: kv/\n")
            let write = try await session.run(["write", "kv/a", "k=v"])
            #expect(write.exitCode == 0, "\(write.stderr)")

            // `-path value` (separate argument) parses like `-path=value`.
            let separate = try await session.run(["secrets", "enable", "-path", "kv-separate", "kv"])
            #expect(separate.stdout == "Success! Enabled the kv secrets engine at: kv-separate/\n")
        }
    }

    @Test func badDurationIsAUsageError() async throws {
        try await withCLISession { session in
            let result = try await session.run(["secrets", "enable", "-default-lease-ttl=soon", "kv"])
            #expect(result.exitCode == 2)
            #expect(result.stderr.contains("soon"))
        }
    }
}

extension CLISecretsEngineTests {
    /// `custos auth list` prints what `bao auth list` prints against the same server, in both
    /// table forms: the token store, the one auth method.
    @Test func authListPrintsWhatBaoPrints() async throws {
        try await withCLISession { session in
            for flags in [[], ["-detailed"]] {
                let custos = try await session.run(["auth", "list"] + flags)
                #expect(custos.exitCode == 0, "\(custos.stderr)")
                let bao = try await ChildProcess.run(
                    executable: URL(fileURLWithPath: "/usr/bin/env"), arguments: ["bao", "auth", "list"] + flags,
                    environment: ["BAO_ADDR": session.server.address, "BAO_TOKEN": session.rootToken, "HOME": session.home.path])
                #expect(bao.exitCode == 0, "\(bao.stderr)")
                #expect(custos.stdout == bao.stdout, "\(flags)")
                #expect(custos.stdout.contains("token/"))
            }
            let json = try cliJSON(try await session.run(["auth", "list", "-format=json"]).stdout)
            #expect(json["token/"]?["config"]?["token_type"] == .string("default-service"))
        }
    }
}
