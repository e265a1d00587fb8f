import CustosJSON
import CustosCore
import CustosTesting
import Foundation
import Testing

/// Vault policies that a migrating admin loads unchanged, written and enforced over HTTP on
/// `custos server -dev`'s core, in process (each outcome checked against OpenBao 2.7.2).
@Suite("Vault policy compatibility over HTTP")
struct PolicyCompatibilityHTTPTests {
    static let policy = """
        path "secret/*" { capabilities = ["read"] }
        # One leading slash is dropped: this denies secret/x.
        path "/secret/x" { capabilities = ["deny"] }
        # Only one: this is the literal "/secret/y", which no request path matches.
        path "//secret/y" { capabilities = ["deny"] }
        # Rendered from the token's identity entity in Vault; Custos tokens have none.
        path "secret/{{identity.entity.id}}/*" { capabilities = ["create", "update", "read"] }
        """

    func token(_ root: InProcessClient, policies: [String]) async throws -> String {
        let created = try await root.write(
            "auth/token/create", ["policies": .array(policies.map { .string($0) }), "no_default_policy": .bool(true)])
        return try #require(created.json?["auth"]?.objectValue?["client_token"]?.stringValue, "\(created.text)")
    }

    @Test func leadingSlashDenyAndTemplatedPathAreEnforcedAsInVault() async throws {
        try await withInProcessServer { server in
            let root = server.client(token: server.rootToken)
            for path in ["secret/x", "secret/y", "secret/e1/a"] {
                #expect(try await root.write(path, ["v": "1"]).status == 204)
            }

            let written = try await root.write("sys/policies/acl/migrated", ["policy": .string(Self.policy)])
            #expect(written.status == 200, "\(written.text)")
            #expect(written.json?["warnings"]?.testStrings.contains { $0.contains("templated paths match nothing") } == true)
            #expect(try await root.read("sys/policies/acl/migrated").data?["policy"] == .string(Self.policy))

            let app = server.client(token: try await token(root, policies: ["migrated"]))
            let denied = try await app.read("secret/x")
            #expect(denied.status == 403)
            #expect(denied.errors == ["permission denied"])
            #expect(try await app.read("secret/y").data?["v"] == .string("1"))
            // The templated rule grants nothing: not to an entity's path, not to the literal text.
            #expect(try await app.read("secret/e1/a").status == 200)
            #expect(try await app.write("secret/e1/a", ["v": "2"]).status == 403)
            let literal = "secret/{{identity.entity.id}}/a"
            let answer = try await root.write(
                "sys/capabilities", ["token": .string(app.token ?? ""), "paths": .array([.string(literal), " secret/x "])])
            #expect(answer.data?[literal] == .array(["read"]))
            #expect(answer.data?["secret/x"] == .array(["deny"]))
            #expect(answer.data?["capabilities"] == nil)
        }
    }

    @Test func malformedPolicyBodiesAreCleanClientErrors() async throws {
        try await withInProcessServer { server in
            let root = server.client(token: server.rootToken)
            let unbalanced = try await root.write(
                "sys/policies/acl/bad", ["policy": #"path "secret/{{identity.entity.id/*" { capabilities = ["read"] }"#])
            #expect(unbalanced.status == 400)
            #expect(unbalanced.errors.first?.hasSuffix("failed to validate policy templating: unbalanced templating characters") == true)
            // Invalid UTF-8, a NUL byte, deep nesting and a huge number, raw and base64-encoded.
            let hostile: [Data] = [
                Data([0x7B, 0x22, 0x70, 0x6F, 0x6C, 0x69, 0x63, 0x79, 0x22, 0x3A, 0x22, 0xFF, 0xFE, 0x22, 0x7D]),
                try JSONEncoder().encode(["policy": "path \"a\" {}\u{0}"]),
                try JSONEncoder().encode(["policy": String(repeating: "[", count: 200_000)]),
                try JSONEncoder().encode(["policy": "path \"a\" { max_wrapping_ttl = 99999999999999999999 }"]),
                try JSONEncoder().encode(["policy": Data([0x70, 0xFF, 0x00]).base64EncodedString()]),
                try JSONEncoder().encode(["policy": Data("{\"path\": [[[[".utf8).base64EncodedString()]),
            ]
            for body in hostile {
                let response = try await root.request("PUT", "sys/policies/acl/hostile", rawBody: body)
                #expect(response.status == 400, "\(response.text)")
            }
            #expect(try await root.read("sys/health").status == 200)
        }
    }


    /// `denied_parameters` holds for a body the core cannot read whole: a number beyond `Double`
    /// (`1e400`) used to hide every parameter from the ACL while the handler could still decode
    /// the readable ones. A rule with constraints now refuses such a body (403); root gets the
    /// handler's 400.
    @Test func anUnreadableBodyCannotSlipPastDeniedParameters() async throws {
        try await withInProcessServer { server in
            let root = server.client(token: server.rootToken)
            let policy = #"path "secret/guarded" { capabilities = ["create", "update"] denied_parameters = { "owner" = [] } }"#
            #expect(try await root.write("sys/policies/acl/guarded", ["policy": .string(policy)]).status == 204)
            let created = try await root.write("auth/token/create", ["policies": .array([.string("guarded")])])
            let token = try #require(created.json?["auth"]?.objectValue?["client_token"]?.stringValue)
            let user = server.client(token: token)
            #expect(try await user.write("secret/guarded", ["value": .string("x")]).status == 204)
            #expect(try await user.write("secret/guarded", ["owner": .string("me")]).status == 403)
            let sneaky = Data(#"{"owner":"me","junk":1e400}"#.utf8)
            #expect(try await user.request("POST", "secret/guarded", rawBody: sneaky).status == 403)
            #expect(try await root.request("POST", "secret/guarded", rawBody: sneaky).status == 400)
        }
    }
}
