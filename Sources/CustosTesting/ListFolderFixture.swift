import CustosJSON

extension VaultHTTPClient {
    /// The LIST-is-a-folder case (checked against `bao server -dev` 2.7.2), set up with this
    /// root client: KV mounts `kv1` and `kv2` with a key under each folder, and a token whose
    /// policy reads and lists `kv1/*`, denies `kv1/private/*` and lists only the folder
    /// `kv2/folder/`. Returns that token; any unexpected answer throws `UnexpectedResponse`.
    package func prepareListFolderFixture() async throws -> String {
        func expect(_ response: VaultTestClient.Response, _ status: Int, _ what: String) throws {
            guard response.status == status else { throw UnexpectedResponse(description: "\(what): \(response.status) \(response.text)") }
        }
        for mount in ["kv1", "kv2"] {
            try expect(try await write("sys/mounts/\(mount)", ["type": "kv"]), 204, "mount \(mount)")
        }
        for path in ["kv1/public/a", "kv1/private/b", "kv2/folder/c", "kv2/other/d"] {
            try expect(try await write(path, ["v": "1"]), 204, "write \(path)")
        }
        let policy = """
            path "kv1/*" { capabilities = ["read", "list"] }
            path "kv1/private/*" { capabilities = ["deny"] }
            path "kv2/folder/" { capabilities = ["list"] }
            """
        try expect(try await write("sys/policies/acl/lister", ["policy": .string(policy)]), 204, "policy")
        let created = try await write("auth/token/create", ["policies": .array([.string("lister")])])
        guard let token = created.json?["auth"]?.objectValue?["client_token"]?.stringValue else {
            throw UnexpectedResponse(description: "token create: \(created.status) \(created.text)")
        }
        return token
    }
}
