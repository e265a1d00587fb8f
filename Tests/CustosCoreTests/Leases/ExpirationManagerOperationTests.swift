@testable import CustosCore
import CustosTesting
import CustosJSON
import Foundation
import Testing

@Suite struct ExpirationManagerOperationTests {
    @Test func renewExtendsFromNowAndMovesTheExpiry() async throws {
        let fixture = LeaseFixture()
        try await fixture.register("database/creds/ro/a", ttl: 60)
        await fixture.advance(by: 30)
        let renewal = try await fixture.manager.renew(
            "database/creds/ro/a", increment: VaultDuration(seconds: 120), caps: LeaseTTLCaps())
        #expect(renewal.grant == LeaseTTLGrant(
            ttl: VaultDuration(seconds: 120), requested: VaultDuration(seconds: 120), capped: false,
            maxTTL: LeaseTTLCaps.defaultSystemMaxTTL))
        #expect(renewal.grant.warning == nil)
        #expect(renewal.lease.lastRenewalTime == fixture.clock.now)
        #expect(fixture.revoker.renewals.map(\.ttl) == [VaultDuration(seconds: 120)])

        await fixture.advance(by: 30)  // the original expiry
        #expect(fixture.revoker.revokedIDs.isEmpty)
        await fixture.advance(by: 90)
        #expect(fixture.revoker.revokedIDs == ["database/creds/ro/a"])
    }

    @Test func renewIsCappedByTheTightestMaximumFromIssueTime() async throws {
        let fixture = LeaseFixture()
        try await fixture.register("database/creds/ro/a", ttl: 60)
        await fixture.advance(by: 40)
        let caps = LeaseTTLCaps(
            leaseMaxTTL: VaultDuration(seconds: 300), mountMaxTTL: VaultDuration(seconds: 100),
            systemMaxTTL: VaultDuration(seconds: 1000))
        let renewal = try await fixture.manager.renew(
            "database/creds/ro/a", increment: VaultDuration(seconds: 3600), caps: caps)
        #expect(renewal.grant.capped)
        #expect(renewal.grant.ttl == VaultDuration(seconds: 60))  // 100 s from issue, 40 s gone
        #expect(renewal.grant.warning
            == "TTL of \"1h\" exceeded the effective max_ttl of \"1m40s\"; TTL value is capped accordingly")
        #expect(renewal.lease.expireTime == fixture.clock.now.addingTimeInterval(60))

        // The role's limit when it is the tightest; unset (zero) limits are ignored.
        let roleCapped = LeaseTTLCaps(leaseMaxTTL: VaultDuration(seconds: 50), mountMaxTTL: .zero)
            .grant(requested: VaultDuration(seconds: 3600), issueTime: fixture.clock.now, now: fixture.clock.now)
        #expect(roleCapped.ttl == VaultDuration(seconds: 50) && roleCapped.capped)
        let systemCapped = LeaseTTLCaps()
            .grant(requested: VaultDuration(seconds: 40 * 86400), issueTime: fixture.clock.now, now: fixture.clock.now)
        #expect(systemCapped.ttl == LeaseTTLCaps.defaultSystemMaxTTL && systemCapped.capped)
    }

    @Test func renewOfUnknownOrNonRenewableLeaseIsABadRequest() async throws {
        let fixture = LeaseFixture()
        try await fixture.register("kv/fixed", ttl: 60, renewable: false)
        let unknown = await #expect(throws: LeaseError.self) {
            _ = try await fixture.manager.renew("kv/missing", increment: nil, caps: LeaseTTLCaps())
        }
        #expect(unknown?.code == .notFound)
        #expect(unknown?.custosError.code == .badRequest)
        let fixed = await #expect(throws: LeaseError.self) {
            _ = try await fixture.manager.renew("kv/fixed", increment: nil, caps: LeaseTTLCaps())
        }
        #expect(fixed?.code == .notRenewable)
        #expect(fixed?.custosError.code == .badRequest)
        // A refused renewal leaves the lease scheduled as before.
        await fixture.advance(by: 60)
        #expect(fixture.revoker.revokedIDs == ["kv/fixed"])
    }

    @Test func failedEngineRenewKeepsTheLease() async throws {
        let fixture = LeaseFixture()
        try await fixture.register("database/creds/ro/a", ttl: 60)
        fixture.revoker.fail(mount: "mount-db")
        let error = await #expect(throws: LeaseError.self) {
            _ = try await fixture.manager.renew("database/creds/ro/a", increment: nil, caps: LeaseTTLCaps())
        }
        #expect(error?.code == .engineFailed)
        #expect(error?.message.contains("database unreachable") == true)
        #expect(await fixture.manager.queuedCount == 1)
    }

    @Test func revokePrefixRevokesOnlyThatPrefix() async throws {
        let fixture = LeaseFixture()
        for index in 0..<5 { try await fixture.register("database/creds/ro/\(index)", ttl: 600) }
        for index in 0..<3 { try await fixture.register("database/creds/rw/\(index)", ttl: 600) }
        try await fixture.register("database/creds/roots/0", ttl: 600)

        let result = try await fixture.manager.revokePrefix("database/creds/ro")  // "/" added
        #expect(result.revoked == 5 && result.failed.isEmpty)
        #expect(Set(fixture.revoker.revokedIDs) == Set((0..<5).map { "database/creds/ro/\($0)" }))
        #expect(try await fixture.manager.list(prefix: "database/creds/") == ["roots/", "rw/"])
        #expect(await fixture.manager.queuedCount == 4)
    }

    @Test func revokePrefixReportsEngineFailuresAndKeepsThoseLeases() async throws {
        let fixture = LeaseFixture()
        try await fixture.register("db1/creds/r/a", ttl: 600, mount: "bad")
        try await fixture.register("db1/creds/r/b", ttl: 600, mount: "bad")
        fixture.revoker.fail(mount: "bad")
        let result = try await fixture.manager.revokePrefix("db1/")
        #expect(result.revoked == 0)
        #expect(Set(result.failed) == ["db1/creds/r/a", "db1/creds/r/b"])
        #expect(try await fixture.manager.lookup("db1/creds/r/a")?.revocation.lastError == "database unreachable")
        #expect(await fixture.manager.queuedCount == 2)
    }

    @Test func forceRevokeDropsWithoutAskingTheEngine() async throws {
        let fixture = LeaseFixture()
        for index in 0..<4 { try await fixture.register("database/creds/ro/\(index)", ttl: 600, token: "t1") }
        try await fixture.register("kv/keep", ttl: 600)
        fixture.revoker.fail(mount: "mount-db")

        #expect(try await fixture.manager.revokeForce("database/") == 4)
        #expect(fixture.revoker.attempts("database/creds/ro/0") == 0)
        #expect(try await fixture.manager.list(prefix: "") == ["kv/"])
        #expect(try await fixture.storage.scan(prefix: "sys/expire/token/").isEmpty)
        #expect(await fixture.manager.queuedCount == 1)
    }

    @Test func tokenRevocationRevokesOnlyThatTokensLeases() async throws {
        let fixture = LeaseFixture()
        for index in 0..<3 { try await fixture.register("database/creds/ro/t1-\(index)", ttl: 600, token: "acc-1") }
        try await fixture.register("database/creds/ro/t2", ttl: 600, token: "acc-2")
        try await fixture.register("database/creds/ro/none", ttl: 600)

        let result = try await fixture.manager.revokeByToken("acc-1")
        #expect(result.revoked == 3)
        #expect(Set(fixture.revoker.revokedIDs) == Set((0..<3).map { "database/creds/ro/t1-\($0)" }))
        #expect(try await fixture.storage.scan(prefix: "sys/expire/token/") == ["acc-2/database/creds/ro/t2"])
        let none = try await fixture.manager.revokeByToken("acc-none")
        #expect(none == LeaseBatchRevocation(revoked: 0, skippedBusy: 0, failed: []))
    }

    @Test func explicitRevokeAndLookup() async throws {
        let fixture = LeaseFixture()
        let lease = try await fixture.register("database/creds/ro/a", ttl: 600)
        #expect(try await fixture.manager.lookup("database/creds/ro/a") == lease)
        try await fixture.manager.revoke("database/creds/ro/a")
        #expect(fixture.revoker.revokedIDs == ["database/creds/ro/a"])
        #expect(try await fixture.manager.lookup("database/creds/ro/a") == nil)
        let again = await #expect(throws: LeaseError.self) { try await fixture.manager.revoke("database/creds/ro/a") }
        #expect(again?.code == .notFound)
        let invalid = await #expect(throws: LeaseError.self) { try await fixture.manager.revoke("../etc") }
        #expect(invalid?.code == .invalidID)
    }

    @Test func tidyRemovesDanglingIndexKeysAndReschedulesOrphans() async throws {
        let fixture = LeaseFixture()
        try await fixture.register("kv/a", ttl: 600, token: "t")
        try await fixture.storage.put("sys/expire/due/000000000000001/kv/ghost", Data())
        try await fixture.storage.put("sys/expire/token/t/kv/ghost", Data())
        // A lease whose due key was lost.
        let orphan = fixture.lease("kv/orphan", ttl: 30)
        try await fixture.storage.put("sys/expire/id/kv/orphan", try JSONEncoder().encode(orphan))

        let report = try await fixture.manager.tidy()
        #expect(report == LeaseTidyReport(staleIndexKeys: 2, rescheduled: 1))
        await fixture.advance(by: 30)
        #expect(fixture.revoker.revokedIDs == ["kv/orphan"])
    }
}
