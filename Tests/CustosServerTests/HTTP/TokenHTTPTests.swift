import CustosJSON
import CustosCore
import CustosTesting
import Foundation
import Testing

/// Tokens and policies over HTTP, in process: capabilities, revocation, bad requests (expiry on
/// a real TTL: `TokenEndToEndTests`).
@Suite("tokens and policies over HTTP")
struct TokenHTTPTests {
    /// The examples of Vault's policy documentation, through `sys/capabilities` over HTTP.
    @Test func capabilitiesFollowVaultsPriorityRules() async throws {
        try await withInProcessServer { server in
            let root = server.client(token: server.rootToken)
            let cases: [(policy: String, path: String, expected: [String])] = [
                // An exact rule decides alone, even a deny under a broader grant.
                (#"path "secret/*" { capabilities = ["create","read","update","delete","list"] } path "secret/super-secret" { capabilities = ["deny"] }"#,
                 "secret/super-secret", ["deny"]),
                // An exact read beats a glob that denies.
                (#"path "secret/*" { capabilities = ["deny"] } path "secret/foo" { capabilities = ["read"] }"#, "secret/foo", ["read"]),
                // Rule 3: same first wildcard, both globs: fewer `+` wins.
                (#"path "secret/*" { capabilities = ["read"] } path "secret/+/+/foo/*" { capabilities = ["update"] }"#, "secret/a/b/foo/c", ["read"]),
                (#"path "secret/*" { capabilities = ["read"] } path "secret/+/*" { capabilities = ["update"] }"#, "secret/a/b", ["read"]),
                // Rule 2: a pattern ending in `*` loses to one that does not.
                (#"path "secret/*" { capabilities = ["read"] } path "secret/+/teamb" { capabilities = ["update"] }"#, "secret/x/teamb", ["update"]),
                // Rule 1: the first wildcard later wins.
                (#"path "secret/+/b" { capabilities = ["read"] } path "secret/a/+" { capabilities = ["update"] }"#, "secret/a/b", ["update"]),
                // Rule 4: longer wins.
                (#"path "foo/bar/+/b*" { capabilities = ["read"] } path "foo/bar/+/ba*" { capabilities = ["update"] }"#, "foo/bar/x/baz", ["update"]),
                // Rule 5: lexically larger wins.
                (#"path "+/+/y" { capabilities = ["read"] } path "+/x/+" { capabilities = ["update"] }"#, "q/x/y", ["update"]),
                // Only the highest-priority glob counts: nothing merges from a lower one.
                (#"path "secret/*" { capabilities = ["read"] } path "secret/a/*" { capabilities = ["list"] }"#, "secret/a/b", ["list"]),
                // The same pattern in two stanzas unites; glob matches are prefixes, not segments.
                (#"path "secret/bar/*" { capabilities = ["read"] } path "secret/zip-*" { capabilities = ["create"] }"#, "secret/zip-zap/zong", ["create"]),
                (#"path "secret/bar/*" { capabilities = ["read"] }"#, "secret/bars/zip", ["deny"]),
                (#"path "secret/+/teamb" { capabilities = ["read"] }"#, "secret/foo/bar/teamb", ["deny"]),
            ]
            for (index, testCase) in cases.enumerated() {
                let name = "priority-\(index)"
                #expect(try await root.write("sys/policies/acl/\(name)", ["policy": .string(testCase.policy)]).status == 204)
                let created = try await root.write("auth/token/create", ["policies": .array([.string(name)])])
                let token = try #require(created.json?["auth"]?.objectValue?["client_token"]?.stringValue)
                let answer = try await root.write("sys/capabilities", ["token": .string(token), "paths": .array([.string(testCase.path)])])
                let expected = JSONValue.array(testCase.expected.map { .string($0) })
                #expect(answer.status == 200)
                #expect(answer.data?[testCase.path] == expected, "case \(index): \(testCase.path) -> \(answer.text)")
                #expect(answer.data?["capabilities"] == expected, "case \(index)")
                #expect(answer.json?["capabilities"] == expected, "case \(index): top-level copy")
            }
            // Two identical patterns in two policies of one token: capabilities unite; deny wins.
            _ = try await root.write("sys/policies/acl/u1", ["policy": .string(#"path "secret/u" { capabilities = ["read"] }"#)])
            _ = try await root.write("sys/policies/acl/u2", ["policy": .string(#"path "secret/u" { capabilities = ["list"] }"#)])
            _ = try await root.write("sys/policies/acl/u3", ["policy": .string(#"path "secret/u" { capabilities = ["deny"] }"#)])
            let united = try await root.write("auth/token/create", ["policies": .array([.string("u1"), .string("u2")])])
            let unitedToken = try #require(united.json?["auth"]?.objectValue?["client_token"]?.stringValue)
            let self1 = try await server.client(token: unitedToken)
                .write("sys/capabilities-self", ["path": "secret/u"])
            #expect(self1.data?["capabilities"] == .array([.string("list"), .string("read")]))
            let denied = try await root.write("auth/token/create", ["policies": .array([.string("u1"), .string("u3")])])
            let deniedAccessor = try #require(denied.json?["auth"]?.objectValue?["accessor"]?.stringValue)
            let viaAccessor = try await root.write("sys/capabilities-accessor", ["accessor": .string(deniedAccessor), "path": "secret/u"])
            #expect(viaAccessor.data?["capabilities"] == .array([.string("deny")]))
        }
    }

    @Test func revokingAParentRevokesItsChildrenOverHTTP() async throws {
        try await withInProcessServer { server in
            let root = server.client(token: server.rootToken)
            func create(_ client: InProcessClient, _ body: [String: JSONValue] = [:], path: String = "auth/token/create") async throws -> String {
                let response = try await client.write(path, body)
                #expect(response.status == 200, "\(response.text)")
                return try #require(response.json?["auth"]?.objectValue?["client_token"]?.stringValue)
            }
            let parent = try await create(root)
            let child = try await create(server.client(token: parent))
            let grandchild = try await create(server.client(token: child))
            let orphan = try await create(server.client(token: parent), path: "auth/token/create-orphan")
            #expect(try await root.write("auth/token/revoke", ["token": .string(parent)]).status == 204)
            for token in [parent, child, grandchild] {
                let lookup = try await server.client(token: token).read("auth/token/lookup-self")
                #expect(lookup.status == 403)
                #expect(lookup.errors == ["permission denied"])
            }
            #expect(try await server.client(token: orphan).read("auth/token/lookup-self").status == 200)
        }
    }

    @Test func badTokenRequestsAre400AndNeverEchoTheToken() async throws {
        try await withInProcessServer { server in
            let root = server.client(token: server.rootToken)
            let malformed = try await root.request("POST", "auth/token/create", rawBody: Data("{nope".utf8))
            #expect(malformed.status == 400)
            let badTTL = try await root.write("auth/token/create", ["ttl": "forever"])
            #expect(badTTL.status == 400)
            let badPolicy = try await root.write("sys/policies/acl/bad", ["policy": "path \"a\" {\n  capabilities = [\"rea\"]\n}"])
            #expect(badPolicy.status == 400)
            #expect(badPolicy.errors.first?.contains("line 2") == true, "\(badPolicy.text)")
            #expect(try await root.read("sys/policies/acl/bad").status == 404)
            let secretLooking = "cst.this-must-not-be-echoed"
            let lookup = try await root.write("auth/token/lookup", ["token": .string(secretLooking)])
            #expect(lookup.status == 403)
            #expect(!lookup.text.contains(secretLooking))
        }
    }

}
