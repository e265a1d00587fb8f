@testable import CustosCore
import CustosTesting
import CustosJSON
import Foundation
import Testing

@Suite struct StorageWriteBatcherTests {
    @Test func concurrentWritesAllLand() async throws {
        let storage = InMemoryStorage()
        let batcher = StorageWriteBatcher(backend: storage, maxOperationsPerCommit: 10)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<200 {
                group.addTask {
                    try await batcher.write([.put("k/\(index)/a", Data([1])), .put("k/\(index)/b", Data([2]))])
                }
            }
            try await group.waitForAll()
        }
        #expect(try await storage.scan(prefix: "k/").count == 400)
    }

    @Test func oneBadWriteFailsAloneAndAtomically() async throws {
        let storage = InMemoryStorage()
        let batcher = StorageWriteBatcher(backend: storage)
        let results = await withTaskGroup(of: (Int, Bool).self) { group in
            for index in 0..<50 {
                group.addTask {
                    // Write 7 has an invalid second key: its first key must not be written either.
                    let second = index == 7 ? "bad/" : "ok/\(index)/2"
                    do {
                        try await batcher.write([.put("ok/\(index)/1", Data()), .put(second, Data())])
                        return (index, true)
                    } catch {
                        return (index, false)
                    }
                }
            }
            var results: [Int: Bool] = [:]
            for await (index, succeeded) in group { results[index] = succeeded }
            return results
        }
        #expect(results.filter { !$0.value }.map(\.key) == [7])
        #expect(try await storage.get("ok/7/1") == nil)
        #expect(try await storage.scan(prefix: "ok/").count == 98)
    }
}

@Suite struct ExpirationManagerForceTests {
    @Test func forceRevokeOfALeaseBeingRevokedDropsIt() async throws {
        let fixture = LeaseFixture()
        fixture.revoker.hang(mount: "mount-db")
        fixture.revoker.fail(mount: "mount-db")
        try await fixture.register("database/creds/ro/a", ttl: 5)
        fixture.clock.advance(by: 5)
        await fixture.revoker.waitForCalls(1)

        #expect(try await fixture.manager.revokeForce("database/") == 1)
        // The engine call in flight now fails: the failure must not bring the lease back.
        fixture.revoker.releaseHung(mount: "mount-db")
        await fixture.manager.waitUntilIdle()
        #expect(try await fixture.manager.lookup("database/creds/ro/a") == nil)
        #expect(try await fixture.storage.scan(prefix: "sys/expire/").isEmpty)
        #expect(await fixture.manager.queuedCount == 0)
    }

    @Test func operationsOnALeaseBeingRevokedAreRefused() async throws {
        let fixture = LeaseFixture()
        fixture.revoker.hang(mount: "mount-db")
        try await fixture.register("database/creds/ro/a", ttl: 5)
        fixture.clock.advance(by: 5)
        await fixture.revoker.waitForCalls(1)
        let renew = await #expect(throws: LeaseError.self) {
            _ = try await fixture.manager.renew("database/creds/ro/a", increment: nil, caps: LeaseTTLCaps())
        }
        #expect(renew?.code == .busy)
        let revoke = await #expect(throws: LeaseError.self) { try await fixture.manager.revoke("database/creds/ro/a") }
        #expect(revoke?.code == .busy)
        fixture.revoker.releaseHung(mount: "mount-db")
        await fixture.manager.waitUntilIdle()
        #expect(fixture.revoker.revokedIDs == ["database/creds/ro/a"])
    }
}
