import CustosJSON
import Foundation
import Testing
@testable import CustosCore

@Suite struct ExpirationQueueTests {
    @Test func popsInDeadlineThenIDOrder() {
        var queue = ExpirationQueue()
        queue.schedule("c", at: 30)
        queue.schedule("b", at: 10)
        queue.schedule("a", at: 10)
        queue.schedule("d", at: 40)
        #expect(queue.nextDeadline == 10)
        #expect(queue.popDue(now: 30).map(\.id) == ["a", "b", "c"])
        #expect(queue.count == 1 && queue.contains("d"))
        #expect(queue.popDue(now: 39).isEmpty)
    }

    @Test func rescheduleAndCancel() {
        var queue = ExpirationQueue()
        for index in 0..<100 { queue.schedule("l\(index)", at: Int64(index)) }
        queue.schedule("l0", at: 1000)   // later
        queue.schedule("l99", at: -1)    // earlier
        #expect(queue.cancel("l50") == 50)
        #expect(queue.cancel("l50") == nil)
        #expect(queue.deadline(of: "l0") == 1000)
        let all = queue.popDue(now: .max)
        #expect(all.first?.id == "l99" && all.last?.id == "l0" && all.count == 99)
        #expect(all.map(\.deadline) == all.map(\.deadline).sorted())
    }

    @Test func batchInsertBuildsAValidHeapAndKeepsQueuedDeadlines() {
        var queue = ExpirationQueue()
        queue.schedule("x", at: 5)
        var generator = SystemRandomNumberGenerator()
        var entries = (0..<5000).map {
            ExpirationQueue.Entry(deadline: Int64.random(in: 0..<1000, using: &generator), id: "e\($0)")
        }
        entries.append(ExpirationQueue.Entry(deadline: 900, id: "x"))
        entries.append(ExpirationQueue.Entry(deadline: 1, id: "e0"))  // duplicate within the batch
        queue.insertBatch(entries)
        #expect(queue.count == 5001)
        #expect(queue.deadline(of: "x") == 5)
        queue.cancel("e1")
        let popped = queue.popDue(now: .max)
        #expect(popped.count == 5000)
        #expect(zip(popped, popped.dropFirst()).allSatisfy { !ExpirationQueue.Entry.precedes($1, $0) })
    }
}

@Suite struct LeaseKeyTests {
    @Test func dueKeysRoundTrip() throws {
        let time = Date(timeIntervalSince1970: 1_763_705_000.25)
        let key = LeaseStorageLayout.dueKey("database/creds/ro/abc", at: time)
        #expect(key == "sys/expire/due/001763705000250/database/creds/ro/abc")
        let parsed = try #require(LeaseStorageLayout.parseDueKey(String(key.dropFirst(LeaseStorageLayout.due.count))))
        #expect(parsed.milliseconds == 1_763_705_000_250 && parsed.id == "database/creds/ro/abc")
        #expect(LeaseStorageLayout.parseDueKey("12x/a") == nil)
        #expect(LeaseStorageLayout.parseDueKey("123/") == nil)
    }

    @Test func idsAreValidatedAndGenerated() throws {
        let id = LeaseID.generate(mountPath: "database/", requestPath: "creds/readonly")
        #expect(id.hasPrefix("database/creds/readonly/") && id.count == "database/creds/readonly/".count + 24)
        try LeaseID.validate(id)
        for bad in ["", "/a", "a/", "a//b", "a/../b", "a/./b", "a\u{0}b"] {
            #expect(throws: LeaseError.self) { try LeaseID.validate(bad) }
        }
        #expect(try LeaseID.normalizedPrefix("database/creds") == "database/creds/")
        #expect(try LeaseID.normalizedPrefix("/") == "")
    }
}
