@testable import CustosCore
import CustosTesting
import CustosJSON
import Foundation
import Synchronization
import Testing
import VaultAPI

@Suite struct TokenLifecycleTests {
    @Test func createdTokenCarriesVaultsAuthBlockAndLooksUp() async throws {
        let t = try await TokenTestCore.make()
        let auth = try await t.createToken(#"{"policies":["apps"],"display_name":"My App!","meta":{"team":"a"},"ttl":"1h","num_uses":3}"#)
        #expect(auth.policies == ["apps", "default"])
        #expect(auth.tokenPolicies == ["apps", "default"])
        #expect(auth.leaseDuration == 3600)
        #expect(auth.renewable)
        #expect(auth.orphan == false)
        #expect(auth.metadata == ["team": "a"])
        #expect(auth.numUses == 3)
        #expect(auth.clientToken.hasPrefix("cst.") && auth.clientToken.count >= 28)
        #expect(auth.accessor.count >= 22 && auth.accessor != auth.clientToken)

        let lookup = try t.json(try await t.call(.update, "auth/token/lookup", #"{"token":"\#(auth.clientToken)"}"#, token: t.root))
        #expect(lookup["display_name"] == .string("token-My-App"))
        #expect(lookup["id"] == .string(auth.clientToken))
        #expect(lookup["policies"] == .array([.string("apps"), .string("default")]))
        #expect(lookup["ttl"] == .int(3600))
        #expect(lookup["creation_ttl"] == .int(3600))
        #expect(lookup["num_uses"] == .int(3))
        #expect(lookup["type"] == .string("service"))
        #expect(lookup["path"] == .string("auth/token/create"))
        #expect(lookup["orphan"] == .bool(false))
        #expect(lookup["meta"] == .object(["team": .string("a")]))

        let byAccessor = try t.json(try await t.call(.update, "auth/token/lookup-accessor", #"{"accessor":"\#(auth.accessor)"}"#, token: t.root))
        #expect(byAccessor["id"] == .string(""))
        #expect(byAccessor["accessor"] == .string(auth.accessor))

        let accessors = try t.json(try await t.call(.list, "auth/token/accessors", token: t.root))
        #expect(accessors["keys"]?.testArray?.contains(.string(auth.accessor)) == true)
    }

    @Test func rootChildWithoutPoliciesIsRootAndNeverExpires() async throws {
        let t = try await TokenTestCore.make()
        let auth = try await t.createToken()
        #expect(auth.policies == ["root"])
        #expect(auth.leaseDuration == 0)
        #expect(!auth.renewable)
        #expect(await t.failure(.update, "auth/token/renew-self", "{}", token: auth.clientToken)?.messages == ["lease is not renewable"])
    }

    @Test func childPoliciesMustBeASubsetOfTheParents() async throws {
        let t = try await TokenTestCore.make()
        try await t.writePolicy("creator", #"path "auth/token/create" { capabilities = ["update"] }"#)
        try await t.writePolicy("apps", #"path "secret/apps" { capabilities = ["read"] }"#)
        let parent = try await t.createToken(#"{"policies":["creator","apps"]}"#)

        let child = try await t.createToken(#"{"policies":["apps"]}"#, parent: parent.clientToken)
        #expect(child.policies == ["apps", "default"])
        let inherited = try await t.createToken("{}", parent: parent.clientToken)
        #expect(inherited.policies == ["apps", "creator", "default"])

        let wider = await t.failure(.update, "auth/token/create", #"{"policies":["admin"]}"#, token: parent.clientToken)
        #expect(wider?.messages == ["child policies must be subset of parent"])
        let root = await t.failure(.update, "auth/token/create", #"{"policies":["root"]}"#, token: parent.clientToken)
        #expect(root?.code == .badRequest)
        let orphan = await t.failure(.update, "auth/token/create", #"{"no_parent":true}"#, token: parent.clientToken)
        #expect(orphan?.messages == ["root or sudo privileges required to create orphan token"])
        // create-orphan is governed by the ACL alone: "creator" has no rule for it.
        #expect(await t.failure(.update, "auth/token/create-orphan", "{}", token: parent.clientToken)?.code == .permissionDenied)

        let noDefault = try await t.createToken(#"{"policies":["apps"],"no_default_policy":true}"#, parent: parent.clientToken)
        #expect(noDefault.policies == ["apps"])
    }

    @Test func revokingAParentRevokesItsSubtreeButNotOrphans() async throws {
        let t = try await TokenTestCore.make()
        let parent = try await t.createToken(#"{"policies":["root"]}"#)
        let child = try await t.createToken("{}", parent: parent.clientToken)
        let grandchild = try await t.createToken("{}", parent: child.clientToken)
        let orphan = try await t.createToken("{}", parent: parent.clientToken, orphan: true)
        #expect(orphan.orphan == true)

        try await t.call(.update, "auth/token/revoke", #"{"token":"\#(parent.clientToken)"}"#, token: t.root)
        for gone in [parent, child, grandchild] {
            #expect(await t.failure(.read, "auth/token/lookup-self", token: gone.clientToken) == .permissionDenied)
        }
        try await t.call(.read, "auth/token/lookup-self", token: orphan.clientToken)
        #expect(try await t.call(.read, "auth/token/lookup-self", token: t.root).data != nil)
    }

    @Test func revokeOrphanKeepsTheChildrenAsOrphans() async throws {
        let t = try await TokenTestCore.make()
        let parent = try await t.createToken()
        let child = try await t.createToken("{}", parent: parent.clientToken)
        try await t.call(.update, "auth/token/revoke-orphan", #"{"token":"\#(parent.clientToken)"}"#, token: t.root)
        #expect(await t.failure(.read, "auth/token/lookup-self", token: parent.clientToken) == .permissionDenied)
        let lookup = try t.json(try await t.call(.read, "auth/token/lookup-self", token: child.clientToken))
        #expect(lookup["orphan"] == .bool(true))
    }

    @Test func revokeSelfAndRevokeAccessor() async throws {
        let t = try await TokenTestCore.make()
        let a = try await t.createToken(#"{"policies":["default"]}"#)
        try await t.call(.update, "auth/token/revoke-self", "{}", token: a.clientToken)
        #expect(await t.failure(.read, "auth/token/lookup-self", token: a.clientToken) == .permissionDenied)
        let b = try await t.createToken(#"{"policies":["default"]}"#)
        try await t.call(.update, "auth/token/revoke-accessor", #"{"accessor":"\#(b.accessor)"}"#, token: t.root)
        #expect(await t.failure(.read, "auth/token/lookup-self", token: b.clientToken) == .permissionDenied)
    }

    @Test func tokensExpireAndTheirChildrenWithThem() async throws {
        let t = try await TokenTestCore.make()
        let parent = try await t.createToken(#"{"ttl":"10s","policies":["root"]}"#)
        let child = try await t.createToken(#"{"ttl":"1h"}"#, parent: parent.clientToken)
        t.clock.advance(by: 9)
        try await t.call(.read, "auth/token/lookup-self", token: parent.clientToken)
        t.clock.advance(by: 1)
        #expect(await t.failure(.read, "auth/token/lookup-self", token: parent.clientToken) == .permissionDenied)
        #expect(await t.failure(.read, "auth/token/lookup-self", token: child.clientToken) == .permissionDenied)
        // Cleaned up: no longer listed.
        let accessors = try t.json(try await t.call(.list, "auth/token/accessors", token: t.root))
        #expect(accessors["keys"]?.testArray?.contains(.string(child.accessor)) == false)
        #expect(accessors["keys"]?.testArray?.contains(.string(parent.accessor)) == false)
    }

    @Test func aRenewalRacingARevocationNeverResurrectsTheToken() async throws {
        let t = try await TokenTestCore.make()
        for _ in 0..<10 {
            let token = try await t.createToken(#"{"ttl":"1h","policies":["default"]}"#)
            async let renewal: Void = { _ = try? await t.call(.update, "auth/token/renew-self", "{}", token: token.clientToken) }()
            async let revocation: Void = { _ = try? await t.call(.update, "auth/token/revoke", #"{"token":"\#(token.clientToken)"}"#, token: t.root) }()
            _ = await (renewal, revocation)
            #expect(await t.failure(.read, "auth/token/lookup-self", token: token.clientToken) == .permissionDenied)
            let accessors = try t.json(try await t.call(.list, "auth/token/accessors", token: t.root))
            #expect(accessors["keys"]?.testArray?.contains(.string(token.accessor)) == false)
        }
    }

    /// The sweep alone, on a token store without an expiration manager: in a full core the
    /// token's own lease expires on the same clock and may revoke it first.
    @Test func theSweepRevokesExpiredTokensNobodyPresents() async throws {
        let clock = ManualClock()
        let tokens = try await TokenStore.open(storage: InMemoryStorage(), clock: clock)
        func entry(ttl: Int64) -> TokenEntry {
            TokenEntry(
                accessor: "", policies: ["default"], displayName: "token", path: "auth/token/create",
                creationTime: clock.now, ttl: ttl, meta: [:], expireTime: clock.now.addingTimeInterval(TimeInterval(ttl)))
        }
        let short = try await tokens.create(entry(ttl: 5))
        let long = try await tokens.create(entry(ttl: 3600))
        #expect(try await tokens.revokeExpired() == 0)
        clock.advance(by: 6)
        #expect(try await tokens.revokeExpired() == 1)
        let accessors = try await tokens.accessors()
        #expect(!accessors.contains(short.entry.accessor))
        #expect(accessors.contains(long.entry.accessor))
        #expect(try await tokens.lookup(short.token) == nil)
    }

    @Test func renewalExtendsUpToTheExplicitMaxAndPeriodicTokensRenewByTheirPeriod() async throws {
        let t = try await TokenTestCore.make()
        let capped = try await t.createToken(#"{"policies":["default"],"ttl":"10s","explicit_max_ttl":"25s"}"#)
        t.clock.advance(by: 8)
        let renewed = try await t.call(.update, "auth/token/renew-self", #"{"increment":"10s"}"#, token: capped.clientToken)
        #expect(renewed.auth?.leaseDuration == 10)
        t.clock.advance(by: 8)
        let again = try await t.call(.update, "auth/token/renew-self", #"{"increment":"100s"}"#, token: capped.clientToken)
        #expect(again.auth?.leaseDuration == 9)   // capped at creation + 25 s
        t.clock.advance(by: 9)
        #expect(await t.failure(.read, "auth/token/lookup-self", token: capped.clientToken) == .permissionDenied)

        let periodic = try await t.createToken(#"{"policies":["default"],"period":"20s"}"#)
        #expect(periodic.leaseDuration == 20)
        for _ in 0..<3 {
            t.clock.advance(by: 15)
            let renewal = try await t.call(.update, "auth/token/renew", #"{"token":"\#(periodic.clientToken)","increment":"1h"}"#, token: t.root)
            #expect(renewal.auth?.leaseDuration == 20)
        }
        let lookup = try t.json(try await t.call(.read, "auth/token/lookup-self", token: periodic.clientToken))
        #expect(lookup["period"] == .int(20))
    }

    @Test func useLimitedTokenIsRevokedAfterItsLastUse() async throws {
        let t = try await TokenTestCore.make()
        let token = try await t.createToken(#"{"policies":["default"],"num_uses":2}"#)
        let first = try t.json(try await t.call(.read, "auth/token/lookup-self", token: token.clientToken))
        #expect(first["num_uses"] == .int(1))
        try await t.call(.read, "auth/token/lookup-self", token: token.clientToken)
        // Revoked as soon as the request that spent the last use ended.
        let accessors = try t.json(try await t.call(.list, "auth/token/accessors", token: t.root))
        #expect(accessors["keys"]?.testArray?.contains(.string(token.accessor)) == false)
        #expect(await t.failure(.read, "auth/token/lookup-self", token: token.clientToken) == .permissionDenied)
    }

    @Test func badInputIs400WithoutEchoingTokens() async throws {
        let t = try await TokenTestCore.make()
        #expect(await t.failure(.update, "auth/token/create", #"{"ttl":"soon"}"#, token: t.root)?.code == .badRequest)
        #expect(await t.failure(.update, "auth/token/create", #"{"num_uses":-1}"#, token: t.root)?.code == .badRequest)
        #expect(await t.failure(.update, "auth/token/create", #"{"type":"batch"}"#, token: t.root)?.code == .badRequest)
        #expect(await t.failure(.update, "auth/token/create", "[1]", token: t.root)?.code == .badRequest)
        let bad = await t.failure(.update, "auth/token/lookup", #"{"token":"cst.secret-looking"}"#, token: t.root)
        #expect(bad?.code == .permissionDenied)
        #expect(bad?.description.contains("secret-looking") == false)
        #expect(await t.failure(.update, "auth/token/lookup-accessor", #"{"accessor":"nope"}"#, token: t.root)?.code == .badRequest)
        #expect(await t.failure(.update, "auth/token/lookup", "{}", token: t.root)?.code == .badRequest)
    }

    @Test func storageHoldsNoTokenInPlainText() async throws {
        let t = try await TokenTestCore.make()
        let created = try await t.createToken(#"{"policies":["default"]}"#)
        for key in try await t.storage.scan(prefix: "") {
            let value = try await t.storage.get(key) ?? Data()
            for token in [created.clientToken, t.root] {
                #expect(value.range(of: Data(token.utf8)) == nil, "token found under \(key)")
                #expect(!key.contains(token))
            }
        }
    }
}
