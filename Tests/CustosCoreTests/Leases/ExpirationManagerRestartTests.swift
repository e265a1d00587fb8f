@testable import CustosCore
import CustosTesting
import CustosJSON
import Foundation
import Testing

@Suite struct ExpirationManagerRestartTests {
    @Test func leasesThatExpiredWhileDownAreRevokedOnRestore() async throws {
        let first = LeaseFixture()
        try await first.register("database/creds/ro/short", ttl: 60)
        try await first.register("database/creds/ro/long", ttl: 3600)
        await first.manager.stop()
        first.clock.advance(by: 120)  // down for two minutes

        let second = first.restarted()
        await second.manager.restore()
        let report = try await second.manager.waitForRestore()
        #expect(report.queued == 2 && report.alreadyDue == 1 && report.rolledBack == 0)
        await second.manager.waitUntilIdle()
        #expect(second.revoker.revokedIDs == ["database/creds/ro/short"])
        #expect(await second.manager.queuedCount == 1)

        await second.advance(by: 3600)
        #expect(second.revoker.revokedIDs == ["database/creds/ro/short", "database/creds/ro/long"])
    }

    @Test func leasesRegisteredDuringRestoreAreKept() async throws {
        let first = LeaseFixture()
        for index in 0..<100 { try await first.register("kv/old/\(index)", ttl: 600) }
        await first.manager.stop()
        let second = first.restarted()
        await second.manager.restore()
        try await second.register("kv/new", ttl: 10)  // serving does not wait for restore
        _ = try await second.manager.waitForRestore()
        #expect(await second.manager.queuedCount == 101)
        await second.advance(by: 10)
        #expect(second.revoker.revokedIDs == ["kv/new"])
    }

    @Test func pendingRecordsLeftByACrashAreRolledBack() async throws {
        let first = LeaseFixture()
        let record = PendingIssue(
            id: "database/creds/ro/crashed", mountAccessor: "mount-db", tokenAccessor: "acc",
            createdTime: first.clock.now, secretData: ["username": "v-ro-crashed"])
        try await first.manager.beginIssue(record)
        // A completed issuance leaves no record behind.
        let done = PendingIssue(
            id: "database/creds/ro/done", mountAccessor: "mount-db", tokenAccessor: nil,
            createdTime: first.clock.now, secretData: ["username": "v-ro-done"])
        try await first.manager.beginIssue(done)
        try await first.manager.register(first.lease("database/creds/ro/done", ttl: 600))
        #expect(try await first.manager.store.pendingRecords() == [record])
        await first.manager.stop()  // "kill -9" between beginIssue and register

        let second = first.restarted()
        await second.manager.restore()
        #expect(try await second.manager.waitForRestore().rolledBack == 1)
        await second.manager.waitUntilIdle()
        #expect(second.revoker.revokedLeases.map(\.secretData) == [["username": "v-ro-crashed"]])
        #expect(try await second.manager.store.pendingRecords().isEmpty)
        #expect(try await second.manager.lookup("database/creds/ro/crashed") == nil)
        #expect(try await second.manager.lookup("database/creds/ro/done") != nil)
    }

    @Test func recordsBegunByThisProcessAreNotRolledBack() async throws {
        let fixture = LeaseFixture()
        let record = PendingIssue(
            id: "database/creds/ro/inflight", mountAccessor: "mount-db", tokenAccessor: nil,
            createdTime: fixture.clock.now, secretData: nil)
        try await fixture.manager.beginIssue(record)
        await fixture.manager.restore()
        #expect(try await fixture.manager.waitForRestore().rolledBack == 0)
        // Still pending: this process's engine completes or rolls it back.
        #expect(try await fixture.manager.store.pendingRecords() == [record])
        #expect(fixture.revoker.revokedIDs.isEmpty)
    }

    @Test func attemptCountAndNextAttemptSurviveARestart() async throws {
        let first = LeaseFixture()
        first.revoker.fail(mount: "mount-db")
        let id = "database/creds/ro/x"
        try await first.register(id, ttl: 10)
        await first.advance(by: 10)
        await first.advance(by: 1)  // second failure: next attempt in 2 s
        #expect(try await first.manager.lookup(id)?.revocation.attempts == 2)
        await first.manager.stop()

        let failing = FakeLeaseRevoker()
        failing.fail(mount: "mount-db")
        let second = first.restarted(revoker: failing)
        await second.manager.restore()
        _ = try await second.manager.waitForRestore()
        await second.manager.waitUntilIdle()
        #expect(failing.attempts(id) == 0)  // the back-off is honoured across the restart
        await second.advance(by: 2)
        #expect(failing.attempts(id) == 1)
        let lease = try #require(try await second.manager.lookup(id))
        #expect(lease.revocation.attempts == 3)  // not reset: the third failure makes it irrevocable
        #expect(lease.irrevocable)
    }

    @Test func restoresFromSQLite() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lease-test-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("custos.db").path
        let first = LeaseFixture(storage: try SQLiteStorage(path: path))
        for index in 0..<50 { try await first.register("database/creds/ro/\(index)", ttl: Double(10 + index)) }
        await first.manager.stop()
        first.clock.advance(by: 30)

        let second = LeaseFixture(storage: try SQLiteStorage(path: path), clock: first.clock)
        await second.manager.restore()
        let report = try await second.manager.waitForRestore()
        #expect(report.queued == 50 && report.alreadyDue == 21)
        await second.manager.waitUntilIdle()
        #expect(second.revoker.revokedIDs.count == 21)
        #expect(try await second.manager.count().leases == 29)
    }
}
