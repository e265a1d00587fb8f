import CustosJSON
import CustosTesting
import Foundation
import Testing

@Suite("custos CLI: status, seal, errors and exit codes")
struct CLIStatusAndErrorTests {
    @Test func statusExitsZeroWhenUnsealedAndTwoWhenSealed() async throws {
        try await withCLISession { session in
            let unsealed = try await session.run(["status"])
            #expect(unsealed.exitCode == 0, "\(unsealed.stderr)")
            #expect(unsealed.stdout.hasPrefix("Key "))
            #expect(unsealed.stdout.range(of: #"Seal Type\s+shamir"#, options: .regularExpression) != nil)
            #expect(unsealed.stdout.range(of: #"Initialized\s+true"#, options: .regularExpression) != nil)
            #expect(unsealed.stdout.range(of: #"Sealed\s+false"#, options: .regularExpression) != nil)
            #expect(unsealed.stdout.contains("Total Shares"))
            #expect(unsealed.stdout.contains("Threshold"))

            let json = try cliJSON(try await session.run(["status", "-format=json"]).stdout)
            #expect(json["sealed"] == .bool(false))
            #expect(json["initialized"] == .bool(true))

            let seal = try await session.run(["operator", "seal"])
            #expect(seal.exitCode == 0, "\(seal.stderr)")
            #expect(seal.stdout.hasPrefix("Success!"))

            let sealed = try await session.run(["status"])
            #expect(sealed.exitCode == 2)
            #expect(sealed.stdout.range(of: #"Sealed\s+true"#, options: .regularExpression) != nil)
            #expect(sealed.stdout.contains("Unseal Progress"))
        }
    }

    @Test func apiErrorExitsTwoWithTheServersMessage() async throws {
        try await withCLISession { session in
            let result = try await session.run(["read", "secret/anything"], token: "not-a-real-token")
            #expect(result.exitCode == 2)
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.hasPrefix("Error reading secret/anything: Error making API request."))
            #expect(result.stderr.contains("URL: GET \(session.server.address)/v1/secret/anything"))
            #expect(result.stderr.contains("Code: 403. Errors:"))
            #expect(result.stderr.contains("* permission denied"))
            #expect(!result.stderr.contains("not-a-real-token"), "the token never appears in output")
        }
    }

    @Test func initOnAnInitializedServerIsAnAPIError() async throws {
        try await withCLISession { session in
            let result = try await session.run(["operator", "init", "-key-shares=5", "-key-threshold=3"])
            #expect(result.exitCode == 2)
            #expect(result.stderr.hasPrefix("Error initializing: Error making API request."))
            #expect(result.stderr.contains("Code: 400."))
        }
    }

    @Test func connectionRefusedExitsOne() async throws {
        // Nothing listens on port 1 of loopback.
        let result = try await CLI.run(
            ["read", "secret/x"],
            env: ["CUSTOS_ADDR": "http://127.0.0.1:1", "CUSTOS_TOKEN": "t", "HOME": NSTemporaryDirectory()],
            stdin: nil)
        #expect(result.exitCode == 1)
        #expect(result.stderr.hasPrefix("Error reading secret/x: "))
        #expect(result.stderr.contains("connection refused"))
    }

    @Test func addressFlagWinsOverTheEnvironment() async throws {
        try await withCLISession { session in
            let result = try await session.run(
                ["status", "-address=\(session.server.address)"],
                env: ["CUSTOS_ADDR": "http://127.0.0.1:1"])
            #expect(result.exitCode == 0, "\(result.stderr)")
            let vaultAddr = try await CLI.run(
                ["status"], env: ["VAULT_ADDR": session.server.address, "HOME": session.home.path], stdin: nil)
            #expect(vaultAddr.exitCode == 0, "VAULT_ADDR is honoured: \(vaultAddr.stderr)")
        }
    }

    @Test(arguments: [
        ["read"],
        ["read", "a", "b"],
        ["read", "-bogus", "x"],
        ["write", "secret/x"],
        ["write", "secret/x", "novalue"],
        ["read", "-format=xml", "secret/x"],
        ["nonsense-command"],
    ])
    func badUsageExitsTwo(arguments: [String]) async throws {
        let result = try await CLI.run(
            arguments,
            env: ["CUSTOS_ADDR": "http://127.0.0.1:1", "CUSTOS_TOKEN": "t", "HOME": NSTemporaryDirectory()],
            stdin: nil)
        #expect(result.exitCode == 2, "\(arguments): \(result.stderr)")
        #expect(!result.stderr.isEmpty)
    }

    @Test func helpExitsZero() async throws {
        let result = try await CLI.run(["--help"], env: [:], stdin: nil)
        #expect(result.exitCode == 0)
        for command in ["read", "write", "list", "delete", "status", "login", "operator", "secrets"] {
            #expect(result.stdout.contains(command))
        }
    }
}
