@testable import CustosCore
import CustosTesting
import CustosJSON
import Foundation
import Synchronization
import Testing
import VaultAPI

/// Tokens' own TTLs run on the expiration manager: an auth lease `auth/token/<path>/<salted id>`.
@Suite struct TokenOwnLeaseTests {
    struct Created {
        var token: String
        var accessor: String
    }

    func child(_ fixture: LeaseTestCore, _ json: String = "{}") async throws -> Created {
        let auth = try #require(try await fixture.call(.update, "auth/token/create", json).auth)
        return Created(token: auth.clientToken, accessor: auth.accessor)
    }

    func tokenLeaseIDs(_ fixture: LeaseTestCore, path: String = "auth/token/create/") async throws -> [String] {
        try await fixture.manager.list(prefix: path).map { path + $0 }
    }

    func exists(_ fixture: LeaseTestCore, _ created: Created, core: Core? = nil) async throws -> Bool {
        let tokens = try #require((core ?? fixture.core).runtime.withLock { $0?.tokens })
        return try await tokens.exists(accessor: created.accessor)
    }

    @Test func aTokenWithATTLHasALeaseListedUnderItsCreationPath() async throws {
        let fixture = try await LeaseTestCore.make()
        let created = try await child(fixture, #"{"ttl": "60s"}"#)
        let ids = try await tokenLeaseIDs(fixture)
        #expect(ids.count == 1)
        let id = try #require(ids.first)
        #expect(!id.contains(created.token))
        let lease = try #require(try await fixture.manager.lookup(id))
        #expect(lease.expireTime == fixture.clock.now.addingTimeInterval(60))
        #expect(lease.tokenAccessor == nil)
        let listed = try await fixture.call(.list, "sys/leases/lookup/auth/token/create")
        #expect(try fixture.json(listed)["keys"] == .array([.string(String(id.dropFirst("auth/token/create/".count)))]))
        // The root token never expires: no lease.
        #expect(try await fixture.manager.list(prefix: "auth/token/root/").isEmpty)
    }

    @Test func aTokenExpiresThroughTheManagerAndItsLeasesWithIt() async throws {
        let fixture = try await LeaseTestCore.make()
        let created = try await child(fixture, #"{"ttl": "60s"}"#)
        _ = try await fixture.issue(#"{"ttl": 3600}"#, token: created.token)
        _ = try await fixture.issue(#"{"ttl": 3600}"#, token: created.token)
        fixture.clock.advance(by: 61)
        try await fixture.manager.waitUntilIdle()
        // Nobody presented the token: the manager revoked it.
        #expect(try await !exists(fixture, created))
        #expect(fixture.objects.live.isEmpty)
        #expect(try await fixture.manager.count().leases == 0)
    }

    @Test func expiryRevokesTheSubtreeAndTheChildrensLeases() async throws {
        let fixture = try await LeaseTestCore.make()
        let parent = try await child(fixture, #"{"ttl": "60s"}"#)
        let response = try await fixture.call(.update, "auth/token/create", #"{"ttl": "3600s"}"#, token: parent.token)
        let grandchild = try #require(response.auth)
        _ = try await fixture.issue(#"{"ttl": 3600}"#, token: grandchild.clientToken)
        fixture.clock.advance(by: 61)
        try await fixture.manager.waitUntilIdle()
        #expect(try await !exists(fixture, Created(token: grandchild.clientToken, accessor: grandchild.accessor)))
        #expect(fixture.objects.live.isEmpty)
        // The child's own lease went with it rather than waiting for its expiry.
        #expect(try await fixture.manager.count().leases == 0)
    }

    @Test func aTokenThatExpiredWhileTheServerWasDownIsRevokedAtRestore() async throws {
        let storage = InMemoryStorage()
        let clock = ManualClock()
        let objects = ExternalObjects()
        let fixture = try await LeaseTestCore.make(storage: storage, objects: objects, clock: clock)
        let created = try await child(fixture, #"{"ttl": "60s"}"#)
        let lived = try await child(fixture, #"{"ttl": "3600s"}"#)
        _ = try await fixture.issue(#"{"ttl": 3600}"#, token: created.token)
        await fixture.core.sealNow()
        clock.advance(by: 120)
        let restarted = LeaseTestCore.makeCore(storage: storage, systemMaxTTL: 768 * 3600, objects: objects, clock: clock)
        try await restarted.submitUnsealKey(fixture.keys[0])
        let manager = try #require(restarted.expirationManager)
        let report = try await manager.waitForRestore()
        #expect(report.alreadyDue == 1)
        await manager.waitUntilIdle()
        #expect(try await !exists(fixture, created, core: restarted))
        #expect(try await exists(fixture, lived, core: restarted))
        #expect(objects.live.isEmpty)
        #expect(try await manager.list(prefix: "auth/token/create/").count == 1)
    }

    @Test func renewMovesTheExpiry() async throws {
        let fixture = try await LeaseTestCore.make()
        let created = try await child(fixture, #"{"ttl": "60s"}"#)
        _ = try await fixture.issue(#"{"ttl": 3600}"#, token: created.token)
        let id = try #require(try await tokenLeaseIDs(fixture).first)
        fixture.clock.advance(by: 50)
        try await fixture.call(.update, "auth/token/renew-self", #"{"increment": "60s"}"#, token: created.token)
        let renewed = try #require(try await fixture.manager.lookup(id))
        #expect(renewed.expireTime == fixture.clock.now.addingTimeInterval(60))
        #expect(renewed.lastRenewalTime == fixture.clock.now)
        // Past the original expiry: still alive.
        fixture.clock.advance(by: 20)
        try await fixture.manager.waitUntilIdle()
        #expect(try await exists(fixture, created))
        #expect(fixture.objects.live.count == 1)
        // Past the renewed one: gone, with its secret.
        fixture.clock.advance(by: 41)
        try await fixture.manager.waitUntilIdle()
        #expect(try await !exists(fixture, created))
        #expect(fixture.objects.live.isEmpty)
    }

    @Test func renewOfAPeriodicTokenByAnotherTokenMovesItsLease() async throws {
        let fixture = try await LeaseTestCore.make()
        let created = try await child(fixture, #"{"period": "100s"}"#)
        let id = try #require(try await tokenLeaseIDs(fixture).first)
        fixture.clock.advance(by: 90)
        try await fixture.call(.update, "auth/token/renew", #"{"token": "\#(created.token)", "increment": "10s"}"#)
        #expect(try await fixture.manager.lookup(id)?.expireTime == fixture.clock.now.addingTimeInterval(100))
    }

    @Test func renewIsCappedByTheTokensExplicitMaxTTL() async throws {
        let fixture = try await LeaseTestCore.make()
        let start = fixture.clock.now
        let created = try await child(fixture, #"{"ttl": "60s", "explicit_max_ttl": "100s"}"#)
        let id = try #require(try await tokenLeaseIDs(fixture).first)
        fixture.clock.advance(by: 50)
        try await fixture.call(.update, "auth/token/renew-self", #"{"increment": "3600s"}"#, token: created.token)
        #expect(try await fixture.manager.lookup(id)?.expireTime == start.addingTimeInterval(100))
        let lookup = try await fixture.call(.update, "sys/leases/lookup", #"{"lease_id": "\#(id)"}"#)
        #expect(try fixture.json(lookup)["ttl"] == .int(50))
    }

    @Test func tokenLeasesAreNotRenewedThroughSysLeases() async throws {
        let fixture = try await LeaseTestCore.make()
        _ = try await child(fixture, #"{"ttl": "60s"}"#)
        let id = try #require(try await tokenLeaseIDs(fixture).first)
        let error = await fixture.failure(.update, "sys/leases/renew", #"{"lease_id": "\#(id)"}"#)
        #expect(error?.code == .badRequest)
    }

    @Test func revokingTheTokenRemovesItsLeaseWithoutError() async throws {
        let fixture = try await LeaseTestCore.make()
        let created = try await child(fixture, #"{"ttl": "60s"}"#)
        let orphaned = try await child(fixture, #"{"ttl": "60s"}"#)
        let byAccessor = try await child(fixture, #"{"ttl": "60s"}"#)
        try await fixture.call(.update, "auth/token/revoke", #"{"token": "\#(created.token)"}"#)
        try await fixture.call(.update, "auth/token/revoke-orphan", #"{"token": "\#(orphaned.token)"}"#)
        try await fixture.call(.update, "auth/token/revoke-accessor", #"{"accessor": "\#(byAccessor.accessor)"}"#)
        #expect(try await tokenLeaseIDs(fixture).isEmpty)
        // Nothing is left to expire later.
        fixture.clock.advance(by: 61)
        try await fixture.manager.waitUntilIdle()
        #expect(try await fixture.manager.irrevocable().isEmpty)
    }

    @Test func revokingTheTokenLeaseRevokesTheTokenAndItsLeases() async throws {
        let fixture = try await LeaseTestCore.make()
        let created = try await child(fixture, #"{"ttl": "60s"}"#)
        _ = try await fixture.issue(#"{"ttl": 3600}"#, token: created.token)
        let id = try #require(try await tokenLeaseIDs(fixture).first)
        try await fixture.call(.update, "sys/leases/revoke", #"{"lease_id": "\#(id)"}"#)
        #expect(try await !exists(fixture, created))
        #expect(fixture.objects.live.isEmpty)
        #expect(try await fixture.manager.count().leases == 0)
        // Revoking it again is not an error (Vault answers 204 for an unknown lease).
        try await fixture.call(.update, "sys/leases/revoke", #"{"lease_id": "\#(id)"}"#)
    }

    @Test func revokePrefixOnTokenLeasesRevokesThemOnce() async throws {
        let fixture = try await LeaseTestCore.make()
        let created = try await child(fixture, #"{"ttl": "60s"}"#)
        _ = try await fixture.issue(#"{"ttl": 3600}"#, token: created.token)
        try await fixture.call(.update, "sys/leases/revoke-prefix/auth/token/create", "{}")
        #expect(try await !exists(fixture, created))
        #expect(fixture.objects.live.isEmpty)
        #expect(try await fixture.manager.count().leases == 0)
    }
}
