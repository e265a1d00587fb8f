import CustosCore
import CustosTesting
import Foundation
import Testing

/// Listing as Vault clients do it: list paths are folders (Vault appends "/") before routing and
/// ACL.
@Suite("LIST requests")
struct ListRequestTests {
    /// Vault appends "/" to every list path before the ACL: `deny` on `kv1/private/*` holds for
    /// `LIST kv1/private` (before the fix the `kv1/*` grant answered it with the keys), and a
    /// grant on the folder `kv2/folder/` answers `LIST kv2/folder` (before: 403). Checked against
    /// `bao server -dev` 2.7.2.
    @Test func listPathsAreFoldersForTheACL() async throws {
        let server = try await ServerProcess.startDev(rootToken: "acl-root")
        defer { Task { await server.stop() } }
        let root = VaultTestClient(address: server.address, token: "acl-root")
        for mount in ["kv1", "kv2"] {
            #expect(try await root.write("sys/mounts/\(mount)", ["type": "kv"]).status == 204)
        }
        for path in ["kv1/public/a", "kv1/private/b", "kv2/folder/c", "kv2/other/d"] {
            #expect(try await root.write(path, ["v": "1"]).status == 204)
        }
        let policy = """
            path "kv1/*" { capabilities = ["read", "list"] }
            path "kv1/private/*" { capabilities = ["deny"] }
            path "kv2/folder/" { capabilities = ["list"] }
            """
        #expect(try await root.write("sys/policies/acl/lister", ["policy": .string(policy)]).status == 204)
        let created = try await root.write("auth/token/create", ["policies": .array([.string("lister")])])
        let token = try #require(created.json?["auth"]?.objectValue?["client_token"]?.stringValue)
        let lister = VaultTestClient(address: server.address, token: token)

        for path in ["kv1/private", "kv1/private/"] {
            let viaMethod = try await lister.list(path)
            #expect(viaMethod.status == 403, "LIST \(path): \(viaMethod.status) \(viaMethod.text)")
            #expect(viaMethod.errors == ["permission denied"])
            let viaQuery = try await lister.request("GET", "\(path)?list=true")
            #expect(viaQuery.status == 403, "GET \(path)?list=true: \(viaQuery.status) \(viaQuery.text)")
        }
        #expect(try await lister.list("kv1/public").data?["keys"] == .array(["a"]))
        for path in ["kv2/folder", "kv2/folder/", "kv2/folder?list=true"] {
            let listed = path.contains("?") ? try await lister.request("GET", path) : try await lister.list(path)
            #expect(listed.status == 200, "\(path): \(listed.status) \(listed.text)")
            #expect(listed.data?["keys"] == .array(["c"]))
        }
        #expect(try await lister.list("kv2/other").status == 403)

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
