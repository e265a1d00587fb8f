@testable import CustosCore
import CustosTesting
import CustosJSON
import Foundation
import Synchronization
import Testing
import VaultAPI

/// Step 3: a token's revocation (direct, of its parent, prefix, expiry) revokes its leases.
@Suite struct TokenLeaseCascadeTests {
    func child(_ fixture: LeaseTestCore, parent: String? = nil, _ json: String = "{}") async throws -> String {
        let response = try await fixture.call(.update, "auth/token/create", json, token: parent ?? fixture.root)
        return try #require(response.auth).clientToken
    }

    @Test func revokingATokenRevokesItsLeases() async throws {
        let fixture = try await LeaseTestCore.make()
        let token = try await child(fixture)
        _ = try await fixture.issue(token: token)
        _ = try await fixture.issue(token: token)
        let other = try await fixture.issue().leaseID  // the root token's
        try await fixture.call(.update, "auth/token/revoke", #"{"token": "\#(token)"}"#)
        #expect(fixture.objects.live.count == 1)
        #expect(try await fixture.manager.lookup(other) != nil)
    }

    @Test func revokingAParentRevokesTheLeasesOfTheWholeSubtree() async throws {
        let fixture = try await LeaseTestCore.make()
        let parent = try await child(fixture)
        let grandchild = try await child(fixture, parent: parent)
        _ = try await fixture.issue(token: parent)
        _ = try await fixture.issue(token: grandchild)
        try await fixture.call(.update, "auth/token/revoke", #"{"token": "\#(parent)"}"#)
        #expect(fixture.objects.live.isEmpty)
        #expect(try await fixture.manager.count().leases == 0)
    }

    @Test func aTokenRevokedWhileItsSecretIsIssuedDoesNotLeaveTheLeaseBehind() async throws {
        let fixture = try await LeaseTestCore.make()
        let token = try await child(fixture)
        let root = fixture.root
        let core = fixture.core
        fixture.objects.set { state in
            state.afterCreate = {
                _ = try? await core.handle(LogicalRequest(
                    operation: .update, path: "auth/token/revoke", body: Data(#"{"token": "\#(token)"}"#.utf8), clientToken: root))
            }
        }
        #expect(await fixture.failure(.update, "fake/creds/ro", "{}", token: token)?.code == .permissionDenied)
        #expect(fixture.objects.live.isEmpty)
        #expect(try await fixture.manager.count().leases == 0)
    }

    @Test func aTokensLastUseGetsTheSecretWhoseLeaseGoesWithTheToken() async throws {
        let fixture = try await LeaseTestCore.make()
        let token = try await child(fixture, #"{"num_uses": 1}"#)
        let response = try await fixture.issue(token: token)
        #expect(!response.leaseID.isEmpty)
        // The token was revoked after its last use, and its lease with it (as Vault).
        #expect(fixture.objects.live.isEmpty)
        #expect(try await fixture.manager.lookup(response.leaseID) == nil)
    }

    @Test func revokePrefixOnAuthTokenRevokesTheTokensLeases() async throws {
        let fixture = try await LeaseTestCore.make()
        let token = try await child(fixture)
        _ = try await fixture.issue(token: token)
        try await fixture.call(.update, "sys/leases/revoke-prefix/auth/token/create", "{}")
        #expect(fixture.objects.live.isEmpty)
    }

    @Test func anExpiredTokenTakesItsLeasesWithIt() async throws {
        let fixture = try await LeaseTestCore.make()
        let token = try await child(fixture, #"{"ttl": "60s"}"#)
        _ = try await fixture.issue(#"{"ttl": 3600}"#, token: token)
        fixture.clock.advance(by: 61)
        // Presenting the expired token is refused (whether the manager or the presentation
        // revokes it first); either way its lease goes with it.
        #expect(await fixture.failure(.read, "auth/token/lookup-self", token: token)?.code == .permissionDenied)
        try await fixture.manager.waitUntilIdle()
        #expect(fixture.objects.live.isEmpty)
    }

    @Test func theSweepRevokesExpiredTokensWithoutALease() async throws {
        let fixture = try await LeaseTestCore.make()
        // Shorter than the core's own sweep interval (60 s on the same clock), so only the
        // call below sweeps.
        let token = try await child(fixture, #"{"ttl": "30s"}"#)
        _ = try await fixture.issue(#"{"ttl": 3600}"#, token: token)
        // What a token stored before token leases (or a crash before its lease) looks like.
        #expect(try await fixture.manager.revokeForce("auth/token/") == 1)
        fixture.clock.advance(by: 31)
        let tokens = try #require(fixture.core.runtime.withLock { $0?.tokens })
        #expect(try await tokens.revokeExpired() == 1)
        // Its leases are revoked by the manager, as every revocation is.
        try await fixture.manager.waitUntilIdle()
        #expect(fixture.objects.live.isEmpty)
    }
}
