@testable import CustosServer
import Testing

/// Whom a full listener sheds: the connection that has waited longest without completing a
/// header, then the longest-idle one; never one with a request under way.
@Suite struct ConnectionTableTests {
    @Test func belowCapacityEveryConnectionIsAdmitted() {
        var table = ConnectionTable<Int>(capacity: 3)
        #expect((0..<3).map { table.open($0) } == [.admitted, .admitted, .admitted])
        #expect(table.count == 3)
        #expect(table.phase(of: 2) == .awaitingHeader)
    }

    @Test func atCapacityTheOldestWithoutAHeaderGoesFirst() {
        var table = ConnectionTable<Int>(capacity: 3)
        for id in 0..<3 { _ = table.open(id) }
        table.update(0, to: .busy)
        #expect(table.open(3) == .admittedEvicting(1))
        #expect(table.open(4) == .admittedEvicting(2))
        #expect(table.open(5) == .admittedEvicting(3))
        #expect(table.count == 3)
        #expect(table.phase(of: 1) == nil)
    }

    @Test func thenTheLongestIdleThenRefusal() {
        var table = ConnectionTable<Int>(capacity: 3)
        for id in 0..<3 { _ = table.open(id) }
        for id in 0..<3 { table.update(id, to: .busy) }
        table.update(2, to: .idle)
        table.update(0, to: .idle)
        #expect(table.open(3) == .admittedEvicting(2))
        table.update(3, to: .busy)
        #expect(table.open(4) == .admittedEvicting(0))
        table.update(4, to: .busy)
        #expect(table.open(5) == .refused)
        #expect(table.count == 3)
    }

    @Test func aNewRequestOnAKeptAliveConnectionQueuesLast() {
        var table = ConnectionTable<Int>(capacity: 2)
        _ = table.open(0)
        _ = table.open(1)
        table.update(0, to: .busy)
        table.update(0, to: .idle)
        table.update(0, to: .awaitingHeader)
        // 1 has waited longer for its header than 0 has for its second one.
        #expect(table.open(2) == .admittedEvicting(1))
    }

    @Test func closingFreesASlotAndUnknownIdsAreIgnored() {
        var table = ConnectionTable<Int>(capacity: 1)
        _ = table.open(0)
        table.update(0, to: .busy)
        #expect(table.open(1) == .refused)
        table.close(0)
        table.close(0)
        table.update(7, to: .idle)
        #expect(table.open(1) == .admitted)
        #expect(table.count == 1)
    }
}
