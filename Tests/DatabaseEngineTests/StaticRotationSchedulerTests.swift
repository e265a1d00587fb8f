import CustosCore
import CustosTesting
import Foundation
import Logging
import Synchronization
import Testing
@testable import DatabaseEngine

/// The scheduler's driver on a `ManualClock`, with a fake engine: time is advanced by hand.
@Suite("static rotation scheduler")
struct StaticRotationSchedulerTests {
    /// Rotates by recording the call and rescheduling `period` seconds later, as the engine does.
    final class FakePerformer: StaticRotationPerformer {
        let clock: ManualClock
        let period: TimeInterval
        let initial: [String: StaticRotationQueue.Timer]
        let rotations = Mutex<[String]>([])
        let scheduler = Mutex<StaticRotationScheduler?>(nil)

        init(clock: ManualClock, period: TimeInterval, initial: [String: StaticRotationQueue.Timer]) {
            self.clock = clock
            self.period = period
            self.initial = initial
        }

        func rotationTimers() async throws -> [String: StaticRotationQueue.Timer] { initial }

        func rotateOnSchedule(_ name: String) async {
            rotations.withLock { $0.append(name) }
            let next = clock.now.addingTimeInterval(period)
            await scheduler.withLock { $0 }?.update(name, .init(plan: .period(seconds: Int64(period)), next: next, retryAt: nil))
        }

        var count: Int { rotations.withLock { $0.count } }
    }

    /// Polls until `condition` holds (the driver works on other tasks). Bounded by a number of
    /// polls, not wall time: when other tests block Swift's small thread pool, the driver and this
    /// loop stall together, and a wall-clock deadline would expire without either having run.
    func settle(_ what: String, _ condition: () async -> Bool) async {
        for _ in 0..<20_000 {
            if await condition() { return }
            try? await Task.sleep(for: .milliseconds(1))
        }
        Issue.record("never happened: \(what)")
    }

    /// Runs `body` while a task host runs (as the server's group runs it), then shuts the host down.
    func withTaskHost(_ body: (BackgroundTaskHost) async -> Void) async {
        let host = BackgroundTaskHost()
        await withDiscardingTaskGroup { group in
            group.addTask { await host.run() }
            await body(host)
            group.cancelAll()
        }
    }

    @Test func rotatesWhenTimeComesAndAgainAfterThePeriod() async {
        await withTaskHost { host in await rotatesWhenTimeComesAndAgainAfterThePeriod(host) }
    }

    func rotatesWhenTimeComesAndAgainAfterThePeriod(_ host: BackgroundTaskHost) async {
        let clock = ManualClock()
        let performer = FakePerformer(clock: clock, period: 5, initial: [
            "due": .init(plan: .period(seconds: 5), next: clock.now.addingTimeInterval(-1), retryAt: nil),
            "later": .init(plan: .period(seconds: 5), next: clock.now.addingTimeInterval(3), retryAt: nil),
        ])
        let scheduler = StaticRotationScheduler(clock: clock, logger: Logger(label: "test"), tasks: host)
        performer.scheduler.withLock { $0 = scheduler }
        await scheduler.start(performer)

        await settle("the overdue role rotates at once") { performer.rotations.withLock { $0 } == ["due"] }
        await settle("the scheduler sleeps on the clock") { clock.sleeperCount == 1 }
        clock.advance(by: 3)
        await settle("the later role rotates") { performer.count == 2 }
        #expect(performer.rotations.withLock { $0 }.last == "later")
        clock.advance(by: 2)
        await settle("the first role rotates again after its period") { performer.count == 3 }
        #expect(performer.rotations.withLock { $0 }.last == "due")

        await scheduler.stop()
        clock.advance(by: 60)
        #expect(performer.count == 3, "nothing rotates after stop")
        await scheduler.start(performer)
        #expect(clock.sleeperCount == 0, "a stopped scheduler does not start again")
    }

    @Test func aRoleWrittenWhileSleepingWakesTheScheduler() async {
        await withTaskHost { host in await aRoleWrittenWhileSleepingWakesTheScheduler(host) }
    }

    func aRoleWrittenWhileSleepingWakesTheScheduler(_ host: BackgroundTaskHost) async {
        let clock = ManualClock()
        let performer = FakePerformer(clock: clock, period: 3600, initial: [:])
        let scheduler = StaticRotationScheduler(clock: clock, logger: Logger(label: "test"), tasks: host)
        performer.scheduler.withLock { $0 = scheduler }
        await scheduler.start(performer)
        await settle("the scheduler sleeps") { clock.sleeperCount == 1 }
        await scheduler.update("new", .init(plan: .period(seconds: 5), next: clock.now, retryAt: nil))
        await settle("the new role rotates without the clock moving") { performer.count == 1 }
        await scheduler.stop()
    }

    @Test func theHostsShutdownEndsTheScheduleAndAScheduleItNeverRanStopsAtOnce() async {
        let clock = ManualClock()
        let performer = FakePerformer(clock: clock, period: 5, initial: [
            "due": .init(plan: .period(seconds: 5), next: clock.now, retryAt: nil)
        ])
        let host = BackgroundTaskHost()
        let scheduler = StaticRotationScheduler(clock: clock, logger: Logger(label: "test"), tasks: host)
        performer.scheduler.withLock { $0 = scheduler }
        await withDiscardingTaskGroup { group in
            group.addTask { await host.run() }
            await scheduler.start(performer)
            await settle("the role rotates") { performer.count == 1 }
            group.cancelAll()
        }
        await scheduler.stop()
        clock.advance(by: 60)
        #expect(performer.count == 1, "nothing rotates after the host shut down")

        let never = StaticRotationScheduler(clock: clock, logger: Logger(label: "test"), tasks: host)
        await never.start(performer)
        await never.stop()
        #expect(performer.count == 1, "work handed to a host that has shut down never runs")
    }
}
