@testable import CustosCore
import CustosTesting
import CustosJSON
import Foundation
import Testing
import VaultAPI

/// Token-store behaviour that must be exactly as strict as Vault's (checked against OpenBao 2.7.2).
@Suite("token hardening")
struct TokenHardeningTests {
    static let createOnly = """
        path "auth/token/create" { capabilities = ["update"] }
        path "auth/token/create-orphan" { capabilities = ["update"] }
        """

    func creator(_ fixture: TokenTestCore, _ extra: String = "") async throws -> String {
        try await fixture.writePolicy("creator", Self.createOnly)
        return try await fixture.createToken(#"{"policies": ["creator"\#(extra)]}"#).clientToken
    }

    @Test func periodicTokensNeedSudo() async throws {
        let fixture = try await TokenTestCore.make()
        let token = try await creator(fixture)
        for path in ["auth/token/create-orphan", "auth/token/create"] {
            let error = await fixture.failure(.update, path, #"{"period": "8760h"}"#, token: token)
            #expect(error == CustosError.badRequest("root or sudo privileges required to create periodic token"))
        }
        // Root may, and the period is capped by the system maximum with Vault's warning.
        let response = try await fixture.call(.update, "auth/token/create", #"{"period": "99999h"}"#, token: fixture.root)
        #expect(response.auth?.leaseDuration == fixture.core.settings.maxLeaseTTL)
        #expect(response.warnings == [
            "period of \"99999h\" exceeded the effective max_ttl of \"768h\"; period value is capped accordingly",
        ])
    }

    @Test func choosingTheIDOrAnOrphanNeedsSudo() async throws {
        let fixture = try await TokenTestCore.make()
        let token = try await creator(fixture)
        #expect(await fixture.failure(.update, "auth/token/create", #"{"id": "chosen"}"#, token: token)
            == CustosError.badRequest("root or sudo privileges required to specify token id"))
        #expect(await fixture.failure(.update, "auth/token/create", #"{"no_parent": true}"#, token: token)
            == CustosError.badRequest("root or sudo privileges required to create orphan token"))
        #expect(await fixture.failure(.update, "auth/token/create", #"{"policies": ["other"]}"#, token: token)
            == CustosError.badRequest("child policies must be subset of parent"))

        let chosen = try await fixture.call(.update, "auth/token/create", #"{"id": "chosen-id-1"}"#, token: fixture.root)
        #expect(chosen.auth?.clientToken == "chosen-id-1")
        #expect(try await fixture.call(.read, "auth/token/lookup-self", token: "chosen-id-1").data != nil)
        #expect(await fixture.failure(.update, "auth/token/create", #"{"id": "chosen-id-1"}"#, token: fixture.root)?.code == .badRequest)
        #expect(await fixture.failure(.update, "auth/token/create", #"{"id": "a.b"}"#, token: fixture.root)
            == CustosError.badRequest("custom token ID cannot have a '.' in the value"))
        // What the CLI sends by default is known, not warned about.
        let cli = try await fixture.call(.update, "auth/token/create", #"{"entity_alias": "", "type": "service"}"#, token: fixture.root)
        #expect(cli.warnings.isEmpty)
    }

    @Test func alternateSpellingsOfParametersAreIgnoredWithAWarning() async throws {
        let fixture = try await TokenTestCore.make()
        let response = try await fixture.call(
            .update, "auth/token/create", #"{"ttl": "10m", "explicitMaxTtl": "1s", "Explicit_Max_TTL": "1s", "noDefaultPolicy": true}"#,
            token: fixture.root)
        let auth = try #require(response.auth)
        #expect(auth.leaseDuration == 600)
        #expect(response.warnings == [
            "Endpoint ignored these unrecognized parameters: [Explicit_Max_TTL explicitMaxTtl noDefaultPolicy]",
        ])
        let lookup = try fixture.json(try await fixture.call(.read, "auth/token/lookup-self", token: auth.clientToken))
        #expect(lookup["explicit_max_ttl"] == .int(0))
        #expect(lookup["policies"] == .array(["root"]))
    }

    /// Exact key matching applies to parameter names, never to the keys of a free-form map.
    @Test func metadataKeysAreKeptAsWritten() async throws {
        let fixture = try await TokenTestCore.make()
        let auth = try await fixture.createToken(#"{"meta": {"fooBar": "1", "a_b": "2", "Team__X": "3"}}"#)
        let lookup = try fixture.json(try await fixture.call(.read, "auth/token/lookup-self", token: auth.clientToken))
        #expect(lookup["meta"] == ["fooBar": "1", "a_b": "2", "Team__X": "3"])
    }

    @Test func mountTuneIgnoresAlternateSpellings() async throws {
        let fixture = try await TokenTestCore.make()
        let response = try await fixture.call(
            .update, "sys/mounts/secret/tune", #"{"maxLeaseTtl": "1h", "default__lease_ttl": "1m"}"#, token: fixture.root)
        #expect(response.warnings.first?.hasPrefix("Endpoint ignored these unrecognized parameters") == true)
        let tuned = try fixture.json(try await fixture.call(.read, "sys/mounts/secret/tune", token: fixture.root))
        #expect(tuned["max_lease_ttl"] == .int(fixture.core.settings.maxLeaseTTL))
        #expect(tuned["default_lease_ttl"] == .int(fixture.core.settings.defaultLeaseTTL))
    }

    @Test func renewalIsCappedAtCreationPlusTheSystemMaximum() async throws {
        let fixture = try await TokenTestCore.make()
        let maxTTL = fixture.core.settings.maxLeaseTTL
        let token = try await fixture.createToken(#"{"policies": ["default"], "ttl": "1h"}"#).clientToken
        // Renewing every half hour must not carry the token past creation + max TTL.
        var lastTTL: Int64 = 0
        var warned = false
        for _ in 0..<(Int(maxTTL / 1800) + 4) {
            fixture.clock.advance(by: 1800)
            do {
                let response = try await fixture.call(.update, "auth/token/renew-self", #"{"increment": "1h"}"#, token: token)
                lastTTL = response.auth?.leaseDuration ?? -1
                if !response.warnings.isEmpty {
                    warned = true
                    #expect(response.warnings[0].contains("exceeded the effective max_ttl"))
                }
            } catch {
                break
            }
        }
        #expect(warned)
        #expect(lastTTL < 3600)
        fixture.clock.advance(by: 3600)
        #expect(await fixture.failure(.read, "auth/token/lookup-self", token: token) == .permissionDenied)
    }

    /// Found by the hostile-request test: concurrent renewals of one token raced on its lease
    /// and answered 500.
    @Test func concurrentRenewalsOfOneTokenAllSucceed() async throws {
        let fixture = try await TokenTestCore.make()
        let token = try await fixture.createToken(#"{"policies": ["default"], "ttl": "1h"}"#).clientToken
        let failures = await withTaskGroup(of: CustosError?.self) { group in
            for _ in 0..<32 {
                group.addTask { await fixture.failure(.update, "auth/token/renew-self", "{}", token: token) }
            }
            var failures: [CustosError] = []
            for await failure in group { if let failure { failures.append(failure) } }
            return failures
        }
        #expect(failures.isEmpty, "\(failures)")
    }

    @Test func renewalCappedByExplicitMaxCarriesTheWarning() async throws {
        let fixture = try await TokenTestCore.make()
        let token = try await fixture.createToken(#"{"policies": ["default"], "ttl": "2s", "explicit_max_ttl": "4s"}"#).clientToken
        fixture.clock.advance(by: 1)
        let response = try await fixture.call(.update, "auth/token/renew-self", #"{"increment": "10s"}"#, token: token)
        #expect(response.auth?.leaseDuration == 3)
        #expect(response.warnings == ["TTL of \"10s\" exceeded the effective max_ttl of \"3s\"; TTL value is capped accordingly"])
    }

    @Test func aParentWithoutDefaultCannotHandItOut() async throws {
        let fixture = try await TokenTestCore.make()
        try await fixture.writePolicy("creator", Self.createOnly)
        let parent = try await fixture.createToken(#"{"policies": ["creator"], "no_default_policy": true}"#).clientToken
        #expect(await fixture.failure(.update, "auth/token/create", #"{"policies": ["creator", "default"]}"#, token: parent)
            == CustosError.badRequest("child policies must be subset of parent"))
        let inherited = try await fixture.createToken(#"{"policies": ["creator"]}"#, parent: parent)
        #expect(inherited.policies == ["creator"])
        let withDefault = try await fixture.createToken(#"{"policies": ["creator"]}"#)
        #expect(try await fixture.createToken(#"{"policies": ["creator"]}"#, parent: withDefault.clientToken).policies == ["creator", "default"])
    }

    @Test func numUsesIsMinusOneOnTheLastUse() async throws {
        let fixture = try await TokenTestCore.make()
        let token = try await fixture.createToken(#"{"policies": ["default"], "num_uses": 2}"#).clientToken
        #expect(try fixture.json(try await fixture.call(.read, "auth/token/lookup-self", token: token))["num_uses"] == .int(1))
        #expect(try fixture.json(try await fixture.call(.read, "auth/token/lookup-self", token: token))["num_uses"] == .int(-1))
        #expect(await fixture.failure(.read, "auth/token/lookup-self", token: token) == .permissionDenied)
    }

    @Test func renewAccessorAndIdempotentRevokeAccessor() async throws {
        let fixture = try await TokenTestCore.make()
        let auth = try await fixture.createToken(#"{"policies": ["default"], "ttl": "20m"}"#)
        let renewed = try await fixture.call(
            .update, "auth/token/renew-accessor", #"{"accessor": "\#(auth.accessor)", "increment": "30m"}"#, token: fixture.root)
        #expect(renewed.auth?.leaseDuration == 1800)
        #expect(renewed.auth?.clientToken == "")
        #expect(await fixture.failure(.update, "auth/token/renew-accessor", #"{"accessor": "nope"}"#, token: fixture.root)
            == CustosError.badRequest("invalid accessor"))

        let first = try await fixture.call(.update, "auth/token/revoke-accessor", #"{"accessor": "\#(auth.accessor)"}"#, token: fixture.root)
        #expect(first.warnings.isEmpty)
        let second = try await fixture.call(.update, "auth/token/revoke-accessor", #"{"accessor": "\#(auth.accessor)"}"#, token: fixture.root)
        #expect(second.warnings == ["No token found with this accessor"])
    }

    @Test func listingAccessorsWorksWithSudo() async throws {
        let fixture = try await TokenTestCore.make()
        try await fixture.writePolicy("accessors", #"path "auth/token/accessors" { capabilities = ["list", "sudo"] }"#)
        try await fixture.writePolicy("nosudo", #"path "auth/token/accessors" { capabilities = ["list"] }"#)
        let sudo = try await fixture.createToken(#"{"policies": ["accessors"]}"#)
        let plain = try await fixture.createToken(#"{"policies": ["nosudo"]}"#)
        for path in ["auth/token/accessors", "auth/token/accessors/"] {
            let keys = try fixture.json(try await fixture.call(.list, path, token: sudo.clientToken))["keys"]?.testArray ?? []
            #expect(keys.contains(.string(sudo.accessor)))
            #expect(await fixture.failure(.list, path, token: plain.clientToken) == .permissionDenied)
        }
    }
}
