@testable import CustosCore
import CustosTesting
import CustosJSON
import Foundation
import Testing

@Suite struct ExpirationManagerExpiryTests {
    @Test func revokesOnTimeAndNotBefore() async throws {
        let fixture = LeaseFixture()
        try await fixture.register("database/creds/ro/a", ttl: 60)
        try await fixture.register("database/creds/ro/b", ttl: 120)

        await fixture.advance(by: 59)
        #expect(fixture.revoker.revokedIDs.isEmpty)

        await fixture.advance(by: 1)
        #expect(fixture.revoker.revokedIDs == ["database/creds/ro/a"])
        #expect(try await fixture.manager.lookup("database/creds/ro/a") == nil)
        #expect(try await fixture.manager.lookup("database/creds/ro/b") != nil)
        #expect(await fixture.manager.queuedCount == 1)

        await fixture.advance(by: 60)
        #expect(fixture.revoker.revokedIDs == ["database/creds/ro/a", "database/creds/ro/b"])
        #expect(try await fixture.storage.scan(prefix: "sys/expire/").isEmpty)
    }

    @Test func revokesWithTheEnginesData() async throws {
        let fixture = LeaseFixture()
        let lease = try await fixture.register("database/creds/ro/a", ttl: 5, token: "acc1")
        await fixture.advance(by: 5)
        #expect(fixture.revoker.revokedLeases == [lease])
    }

    @Test func earlierLeaseRearmsTheTimer() async throws {
        let fixture = LeaseFixture()
        try await fixture.register("kv/late", ttl: 1000)
        try await fixture.register("kv/early", ttl: 10)
        await fixture.advance(by: 10)
        #expect(fixture.revoker.revokedIDs == ["kv/early"])
    }

    @Test func tenThousandLeasesExpiringAtOnceAreAllRevoked() async throws {
        let fixture = LeaseFixture()
        for index in 0..<10_000 {
            let mount = index.isMultiple(of: 2) ? "m1" : "m2"
            try await fixture.register("database/creds/ro/\(index)", ttl: 30, mount: mount)
        }
        await fixture.advance(by: 30)
        #expect(fixture.revoker.revokedIDs.count == 10_000)
        #expect(Set(fixture.revoker.revokedIDs).count == 10_000)
        #expect(try await fixture.manager.count() == LeaseCounts(leases: 0, irrevocable: 0))
        #expect(await fixture.manager.queuedCount == 0)
    }

    @Test func hangingMountDoesNotStopAnotherMount() async throws {
        let fixture = LeaseFixture(perMount: 8)
        fixture.revoker.hang(mount: "A")
        for index in 0..<20 { try await fixture.register("a/creds/r/\(index)", ttl: 10, mount: "A") }
        for index in 0..<5 { try await fixture.register("b/creds/r/\(index)", ttl: 10, mount: "B") }

        fixture.clock.advance(by: 10)
        await fixture.revoker.waitForCalls(5, on: "B")
        await fixture.revoker.waitForCalls(8, on: "A")
        // B's leases are done although A's engine hangs; A never has more than 8 calls in flight.
        #expect(fixture.revoker.calls(on: "A") == 8)
        #expect(fixture.manager.limiter.running(on: "A") == 8)

        fixture.revoker.releaseHung(mount: "A")
        await fixture.manager.waitUntilIdle()
        #expect(fixture.revoker.revokedIDs.count == 25)
        #expect(fixture.revoker.calls(on: "A") == 20)
        let bIDs = fixture.revoker.revokedIDs.filter { $0.hasPrefix("b/") }
        #expect(bIDs.count == 5)
        #expect(try await fixture.manager.count().leases == 0)
    }
}
