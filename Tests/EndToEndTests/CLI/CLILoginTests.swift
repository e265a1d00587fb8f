import CustosTesting
import Foundation
import Testing

@Suite("custos CLI: login and the stored token")
struct CLILoginTests {
    @Test func loginStoresTheTokenPrivatelyAndLaterCommandsUseIt() async throws {
        try await withCLISession { session in
            let token = session.rootToken
            let login = try await session.runWithoutToken(["login", token])
            #expect(login.exitCode == 0, "\(login.stderr)")
            #expect(login.stdout.hasPrefix("Success!"))
            #expect(!login.stdout.contains(token), "the token is never echoed back")
            #expect(!login.stderr.contains(token))

            let file = session.home.appendingPathComponent(".custos-token").path
            let stored = try String(contentsOfFile: file, encoding: .utf8)
            #expect(stored.trimmingCharacters(in: .whitespacesAndNewlines) == token)
            let attributes = try FileManager.default.attributesOfItem(atPath: file)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)

            let list = try await session.runWithoutToken(["secrets", "list"])
            #expect(list.exitCode == 0, "the stored token authenticates: \(list.stderr)")
        }
    }

    @Test func loginReadsTheTokenFromStdin() async throws {
        try await withCLISession { session in
            for arguments in [["login"], ["login", "-"]] {
                let login = try await session.runWithoutToken(arguments, stdin: session.rootToken + "\n")
                #expect(login.exitCode == 0, "\(arguments): \(login.stderr)")
                #expect(!login.stdout.contains(session.rootToken))
            }
            let stored = try String(contentsOf: session.home.appendingPathComponent(".custos-token"), encoding: .utf8)
            #expect(stored.trimmingCharacters(in: .whitespacesAndNewlines) == session.rootToken)
        }
    }

    @Test func loginWithAnUnknownTokenFailsAndStoresNothing() async throws {
        try await withCLISession { session in
            let login = try await session.runWithoutToken(["login", "not-a-real-token"])
            #expect(login.exitCode == 2)
            #expect(login.stderr.contains("Code: 403."))
            let file = session.home.appendingPathComponent(".custos-token").path
            #expect(!FileManager.default.fileExists(atPath: file))
        }
    }
}
