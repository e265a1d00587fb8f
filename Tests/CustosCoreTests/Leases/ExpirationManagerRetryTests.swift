@testable import CustosCore
import CustosTesting
import CustosJSON
import Foundation
import Testing

@Suite struct ExpirationManagerRetryTests {
    @Test func backsOffThenMarksIrrevocableWithTheError() async throws {
        let fixture = LeaseFixture()  // 1 s doubling, 3 attempts
        fixture.revoker.fail(mount: "mount-db")
        let id = "database/creds/ro/x"
        try await fixture.register(id, ttl: 10)

        await fixture.advance(by: 10)
        var lease = try #require(try await fixture.manager.lookup(id))
        #expect(lease.revocation.attempts == 1)
        #expect(lease.revocation.lastError == "database unreachable")
        #expect(lease.revocation.nextAttemptTime == fixture.clock.now.addingTimeInterval(1))

        await fixture.advance(by: 0.5)
        #expect(fixture.revoker.attempts(id) == 1)  // not before the back-off
        await fixture.advance(by: 0.5)
        #expect(fixture.revoker.attempts(id) == 2)
        lease = try #require(try await fixture.manager.lookup(id))
        #expect(lease.revocation.nextAttemptTime == fixture.clock.now.addingTimeInterval(2))

        await fixture.advance(by: 2)
        #expect(fixture.revoker.attempts(id) == 3)
        lease = try #require(try await fixture.manager.lookup(id))
        #expect(lease.irrevocable)
        #expect(lease.revocation.attempts == 3)
        #expect(await fixture.manager.queuedCount == 0)

        // Listed, counted, and never retried on its own.
        #expect(try await fixture.manager.irrevocable().map(\.id) == [id])
        #expect(try await fixture.manager.count() == LeaseCounts(leases: 1, irrevocable: 1))
        await fixture.advance(by: 3600)
        #expect(fixture.revoker.attempts(id) == 3)
    }

    @Test func irrevocableLeaseIsRetriedWhenAsked() async throws {
        let fixture = LeaseFixture()
        fixture.revoker.fail(mount: "mount-db")
        let id = "database/creds/ro/x"
        try await fixture.register(id, ttl: 1)
        await fixture.advance(by: 1)
        await fixture.advance(by: 1)
        await fixture.advance(by: 2)
        #expect(try await fixture.manager.lookup(id)?.irrevocable == true)

        // Still failing: stays irrevocable, error reported.
        await #expect(throws: LeaseError.self) { try await fixture.manager.retryIrrevocable(id) }
        #expect(try await fixture.manager.lookup(id)?.irrevocable == true)

        fixture.revoker.fail(mount: "mount-db", false)
        try await fixture.manager.retryIrrevocable(id)
        #expect(try await fixture.manager.lookup(id) == nil)
        #expect(try await fixture.manager.irrevocable().isEmpty)
        #expect(try await fixture.storage.scan(prefix: "sys/expire/").isEmpty)
    }

    @Test func retryOfANormalLeaseIsRefused() async throws {
        let fixture = LeaseFixture()
        try await fixture.register("kv/a", ttl: 100)
        let error = await #expect(throws: LeaseError.self) { try await fixture.manager.retryIrrevocable("kv/a") }
        #expect(error?.code == .notIrrevocable)
    }

    @Test func backOffDoublesUpToTheMaximumWithJitterBelowIt() {
        let policy = RevocationRetryPolicy(baseDelay: 1, maxDelay: 300, maxAttempts: 10, jitter: 0)
        #expect((1...10).map { policy.delay(afterAttempts: $0) } == [1, 2, 4, 8, 16, 32, 64, 128, 256, 300])
        let jittered = RevocationRetryPolicy(baseDelay: 1, maxDelay: 300, maxAttempts: 10, jitter: 1)
        for _ in 0..<100 {
            let delay = jittered.delay(afterAttempts: 5)
            #expect(delay >= 8 && delay <= 16)
        }
    }
}
