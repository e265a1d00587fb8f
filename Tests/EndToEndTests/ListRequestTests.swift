import CustosCore
import CustosJSON
import CustosTesting
import Foundation
import Testing

/// Listing with the OpenBao CLI: list paths are folders (Vault appends "/") for the ACL.
@Suite("LIST requests with bao")
struct ListRequestTests {
    /// `deny` on `kv1/private/*` holds for `bao list kv1/private`; a grant on the folder
    /// `kv2/folder/` answers `bao list kv2/folder` (the HTTP side: `ListRequestHTTPTests`).
    @Test func baoListPathsAreFoldersForTheACL() async throws {
        let server = try await ServerProcess.startDev(rootToken: "acl-root")
        defer { Task { await server.stop() } }
        let root = VaultTestClient(address: server.address, token: "acl-root")
        let token = try await root.prepareListFolderFixture()

        // The OpenBao CLI sends `GET /v1/kv1/private?list=true` for both spellings.
        for path in ["kv1/private/", "kv1/private"] {
            let denied = try await bao(server, token: token, ["list", path])
            #expect(denied.exitCode == 2, "bao list \(path): \(denied.stdout)")
            #expect(denied.stderr.contains("permission denied"), "\(denied.stderr)")
            #expect(!denied.stdout.contains("b"))
        }
        let folder = try await bao(server, token: token, ["list", "kv2/folder"])
        #expect(folder.exitCode == 0, "\(folder.stderr)")
        #expect(folder.stdout.contains("c"))
    }

    func bao(_ server: ServerProcess, token: String, _ arguments: [String]) async throws -> CLI.Result {
        try await ChildProcess.run(executable: URL(fileURLWithPath: "/usr/bin/env"), arguments: ["bao"] + arguments, environment: [
            "BAO_ADDR": server.address, "BAO_TOKEN": token, "HOME": FileManager.default.temporaryDirectory.path,
        ])
    }
}
