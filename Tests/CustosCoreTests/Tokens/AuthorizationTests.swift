@testable import CustosCore
import CustosJSON
import Foundation
import Synchronization
import Testing
import VaultAPI

/// Enforcement on every request, through the core: capabilities, create vs update, sudo,
/// parameter constraints, the default policy, policy endpoints and `sys/capabilities`.
@Suite struct AuthorizationTests {
    @Test func appsPolicyReadsWhatItAllowsAndNothingElse() async throws {
        let t = try await TokenTestCore.make()
        try await t.call(.update, "secret/apps/config", #"{"password":"p"}"#, token: t.root)
        try await t.call(.update, "secret/other", #"{"x":"y"}"#, token: t.root)
        try await t.writePolicy("apps", """
            path "database/creds/readonly" { capabilities = ["read"] }
            path "secret/apps/config" { capabilities = ["read"] }
            """)
        let app = try await t.createToken(#"{"policies":["apps"]}"#)
        let read = try await t.call(.read, "secret/apps/config", token: app.clientToken)
        #expect(read.data as? [String: JSONValue] == ["password": .string("p")])
        for (operation, path) in [
            (LogicalOperation.read, "secret/other"), (.update, "secret/apps/config"), (.delete, "secret/apps/config"),
            (.list, "secret/"), (.read, "sys/mounts"), (.update, "auth/token/create"), (.list, "sys/policies/acl"),
        ] {
            #expect(await t.failure(operation, path, "{\"a\":\"b\"}", token: app.clientToken) == .permissionDenied, "\(operation) \(path)")
        }
        // The default policy: the token's own lookup, renewal, capabilities and revocation.
        try await t.call(.read, "auth/token/lookup-self", token: app.clientToken)
        try await t.call(.update, "auth/token/renew-self", "{}", token: app.clientToken)
        let caps = try t.json(try await t.call(.update, "sys/capabilities-self", #"{"path":"secret/apps/config"}"#, token: app.clientToken))
        #expect(caps["capabilities"] == .array([.string("read")]))
        #expect(caps["secret/apps/config"] == .array([.string("read")]))
        try await t.call(.update, "auth/token/revoke-self", "{}", token: app.clientToken)
        #expect(await t.failure(.read, "secret/apps/config", token: app.clientToken) == .permissionDenied)
    }

    @Test func createIsNeededForNewKeysAndUpdateForExistingOnes() async throws {
        let t = try await TokenTestCore.make()
        try await t.call(.update, "secret/existing", #"{"a":"1"}"#, token: t.root)
        try await t.writePolicy("creator", #"path "secret/*" { capabilities = ["create"] }"#)
        try await t.writePolicy("updater", #"path "secret/*" { capabilities = ["update"] }"#)
        let creator = try await t.createToken(#"{"policies":["creator"]}"#)
        let updater = try await t.createToken(#"{"policies":["updater"]}"#)
        try await t.call(.update, "secret/new", #"{"a":"1"}"#, token: creator.clientToken)
        #expect(await t.failure(.update, "secret/existing", #"{"a":"2"}"#, token: creator.clientToken) == .permissionDenied)
        try await t.call(.update, "secret/existing", #"{"a":"2"}"#, token: updater.clientToken)
        #expect(await t.failure(.update, "secret/brand-new", #"{"a":"2"}"#, token: updater.clientToken) == .permissionDenied)
    }

    @Test func sudoPathsNeedSudo() async throws {
        let t = try await TokenTestCore.make()
        try await t.writePolicy("ops", """
            path "sys/*" { capabilities = ["create", "read", "update", "delete", "list"] }
            path "auth/token/*" { capabilities = ["create", "read", "update", "delete", "list"] }
            """)
        try await t.writePolicy("ops-sudo", """
            path "sys/rotate" { capabilities = ["update", "sudo"] }
            path "auth/token/accessors" { capabilities = ["list", "sudo"] }
            path "auth/token/revoke-orphan" { capabilities = ["update", "sudo"] }
            """)
        let ops = try await t.createToken(#"{"policies":["ops"]}"#)
        #expect(await t.failure(.update, "sys/rotate", "{}", token: ops.clientToken) == .permissionDenied)
        #expect(await t.failure(.list, "auth/token/accessors", token: ops.clientToken) == .permissionDenied)
        #expect(await t.failure(.update, "sys/seal", "{}", token: ops.clientToken) == .permissionDenied)
        let orphaning = await t.failure(.update, "auth/token/revoke-orphan", #"{"token":"x"}"#, token: ops.clientToken)
        #expect(orphaning?.messages == ["root or sudo privileges required to revoke and orphan"])
        try await t.call(.read, "sys/mounts", token: ops.clientToken)

        let sudo = try await t.createToken(#"{"policies":["ops-sudo"]}"#)
        try await t.call(.update, "sys/rotate", "{}", token: sudo.clientToken)
        try await t.call(.list, "auth/token/accessors", token: sudo.clientToken)
        let victim = try await t.createToken(#"{"policies":["default"]}"#)
        try await t.call(.update, "auth/token/revoke-orphan", #"{"token":"\#(victim.clientToken)"}"#, token: sudo.clientToken)
        // An unknown token is an error here, as in Vault (plain revoke answers 204 either way).
        let unknown = await t.failure(.update, "auth/token/revoke-orphan", #"{"token":"x"}"#, token: sudo.clientToken)
        #expect(unknown?.messages == ["token to revoke not found"])
    }

    @Test func parameterConstraintsApplyToWrites() async throws {
        let t = try await TokenTestCore.make()
        try await t.writePolicy("limited", """
            path "secret/limited" {
              capabilities = ["create", "update"]
              allowed_parameters = { "color" = ["red", "blue"] }
            }
            """)
        let token = try await t.createToken(#"{"policies":["limited"]}"#)
        try await t.call(.update, "secret/limited", #"{"color":"red"}"#, token: token.clientToken)
        #expect(await t.failure(.update, "secret/limited", #"{"color":"green"}"#, token: token.clientToken) == .permissionDenied)
        #expect(await t.failure(.update, "secret/limited", #"{"size":"xl"}"#, token: token.clientToken) == .permissionDenied)
    }

    @Test func policyEndpointsAndBuiltins() async throws {
        let t = try await TokenTestCore.make()
        try await t.writePolicy("Dev ", #"path "secret/*" { capabilities = ["read"] }"#)
        let read = try t.json(try await t.call(.read, "sys/policies/acl/dev", token: t.root))
        #expect(read["name"] == .string("dev"))
        #expect(read["policy"] == .string(#"path "secret/*" { capabilities = ["read"] }"#))
        let legacy = try t.json(try await t.call(.read, "sys/policy/dev", token: t.root))
        #expect(legacy["rules"] == read["policy"])
        let list = try t.json(try await t.call(.list, "sys/policies/acl", token: t.root))
        #expect(list["keys"] == .array([.string("default"), .string("dev"), .string("root")]))
        let legacyList = try t.json(try await t.call(.read, "sys/policy", token: t.root))
        #expect(legacyList["policies"] == list["keys"])

        let malformed = await t.failure(.update, "sys/policies/acl/broken", #"{"policy":"path \"a\" {\n  capabilities = [\"rea\"]\n}"}"#, token: t.root)
        #expect(malformed?.code == .badRequest)
        #expect(malformed?.messages.first?.contains("line 2") == true)
        #expect(await t.failure(.read, "sys/policies/acl/broken", token: t.root)?.code == .notFound)

        #expect(await t.failure(.update, "sys/policies/acl/root", #"{"policy":""}"#, token: t.root)?.code == .badRequest)
        #expect(await t.failure(.delete, "sys/policies/acl/root", token: t.root)?.code == .badRequest)
        #expect(await t.failure(.delete, "sys/policies/acl/default", token: t.root)?.messages == ["cannot delete default policy"])
        let builtin = try t.json(try await t.call(.read, "sys/policies/acl/default", token: t.root))
        #expect(builtin["policy"] == .string(BuiltinPolicies.defaultPolicyText))

        try await t.call(.delete, "sys/policies/acl/dev", token: t.root)
        #expect(await t.failure(.read, "sys/policies/acl/dev", token: t.root)?.code == .notFound)
    }

    @Test func policyChangesApplyToExistingTokensAtTheirNextRequest() async throws {
        let t = try await TokenTestCore.make()
        try await t.call(.update, "secret/a", #"{"x":"1"}"#, token: t.root)
        try await t.writePolicy("p", #"path "secret/a" { capabilities = ["read"] }"#)
        let token = try await t.createToken(#"{"policies":["p"]}"#)
        try await t.call(.read, "secret/a", token: token.clientToken)
        try await t.writePolicy("p", #"path "secret/b" { capabilities = ["read"] }"#)
        #expect(await t.failure(.read, "secret/a", token: token.clientToken) == .permissionDenied)
        try await t.writePolicy("p", #"path "secret/a" { capabilities = ["read"] }"#)
        try await t.call(.read, "secret/a", token: token.clientToken)
        try await t.call(.delete, "sys/policies/acl/p", token: t.root)
        #expect(await t.failure(.read, "secret/a", token: token.clientToken) == .permissionDenied)
    }

    @Test func capabilitiesEndpointsAnswerAsVault() async throws {
        let t = try await TokenTestCore.make()
        try await t.writePolicy("p", """
            path "secret/*" { capabilities = ["create", "read"] }
            path "secret/super-secret" { capabilities = ["deny"] }
            """)
        let token = try await t.createToken(#"{"policies":["p"]}"#)
        let two = try t.json(try await t.call(
            .update, "sys/capabilities", #"{"token":"\#(token.clientToken)","paths":["secret/x","secret/super-secret"]}"#, token: t.root))
        #expect(two["secret/x"] == .array([.string("create"), .string("read")]))
        #expect(two["secret/super-secret"] == .array([.string("deny")]))
        #expect(two["capabilities"] == nil)
        let byAccessor = try t.json(try await t.call(
            .update, "sys/capabilities-accessor", #"{"accessor":"\#(token.accessor)","path":"secret/x"}"#, token: t.root))
        #expect(byAccessor["capabilities"] == .array([.string("create"), .string("read")]))
        let rootCaps = try t.json(try await t.call(.update, "sys/capabilities-self", #"{"paths":["anything"]}"#, token: t.root))
        #expect(rootCaps["capabilities"] == .array([.string("root")]))
        #expect(await t.failure(.update, "sys/capabilities", #"{"token":"nope","path":"a"}"#, token: t.root)?.code == .badRequest)
        #expect(await t.failure(.update, "sys/capabilities", #"{"token":"\#(token.clientToken)","path":"a"}"#, token: token.clientToken) == .permissionDenied)
    }

    @Test func engineRequestsCarryTheCallersIdentity() async throws {
        let t = try await TokenTestCore.make()
        let runtime = try #require(t.core.runtime.withLock { $0 })
        let auth = try await t.createToken(#"{"display_name":"billing"}"#)
        let entry = try #require(try await runtime.tokens.lookup(auth.clientToken))
        let acl = try await runtime.policies.acl(for: entry.policies)
        let caller = RequestCaller(entry: entry, acl: acl, hasSudo: true)
        #expect(caller.displayName == "token-billing")
        #expect(caller.policies == ["root"])
    }
}
