import Foundation
import Testing
@testable import DatabaseEngine

/// The static-role rotation state machine: no clock, no sleeps, times given by hand.
@Suite("static rotation queue")
struct StaticRotationQueueTests {
    typealias Timer = StaticRotationQueue.Timer
    let t0 = utc("2024-01-01 10:00:00")

    func period(_ seconds: Int64, next: Date?, retryAt: Date? = nil) -> Timer {
        Timer(plan: .period(seconds: seconds), next: next, retryAt: retryAt)
    }

    @Test func dueOnlyOnceTheScheduledTimeHasCome() {
        var queue = StaticRotationQueue(maxConcurrent: 4)
        queue.set("a", period(60, next: t0.addingTimeInterval(60)))
        #expect(queue.takeDue(now: t0).isEmpty)
        #expect(queue.wakeTime(now: t0) == t0.addingTimeInterval(60))
        #expect(queue.takeDue(now: t0.addingTimeInterval(59.999)).isEmpty)
        #expect(queue.takeDue(now: t0.addingTimeInterval(60)) == ["a"])
        // Running: not handed out twice, and no wake-up for it until it is finished.
        #expect(queue.takeDue(now: t0.addingTimeInterval(61)).isEmpty)
        #expect(queue.wakeTime(now: t0.addingTimeInterval(61)) == nil)
        queue.set("a", period(60, next: t0.addingTimeInterval(121)))
        queue.finished("a")
        #expect(queue.wakeTime(now: t0.addingTimeInterval(61)) == t0.addingTimeInterval(121))
    }

    @Test func manualRolesAndDeletedRolesAreNeverDue() {
        var queue = StaticRotationQueue(maxConcurrent: 4)
        queue.set("manual", Timer(plan: nil, next: nil, retryAt: nil))
        queue.set("gone", period(5, next: t0))
        queue.set("gone", nil)
        #expect(queue.takeDue(now: t0.addingTimeInterval(1e6)).isEmpty)
        #expect(queue.wakeTime(now: t0) == nil)
        // A manual role whose rotation failed is still retried (to settle it).
        queue.set("manual", Timer(plan: nil, next: nil, retryAt: t0))
        #expect(queue.takeDue(now: t0) == ["manual"])
    }

    @Test func concurrencyIsBoundedEarliestFirst() {
        var queue = StaticRotationQueue(maxConcurrent: 2)
        for (index, name) in ["c", "a", "b"].enumerated() {
            queue.set(name, period(5, next: t0.addingTimeInterval(Double(index))))
        }
        let now = t0.addingTimeInterval(10)
        #expect(queue.takeDue(now: now) == ["c", "a"])
        #expect(queue.takeDue(now: now).isEmpty)
        #expect(queue.wakeTime(now: now) == nil, "every slot busy: a finishing rotation wakes the driver")
        // "c" rotated: rescheduled by its performer, then finished; "b" gets the slot.
        queue.set("c", period(5, next: now.addingTimeInterval(5)))
        queue.finished("c")
        #expect(queue.takeDue(now: now) == ["b"])
    }

    @Test func aRetryReplacesTheScheduledTime() {
        var queue = StaticRotationQueue(maxConcurrent: 4)
        queue.set("a", period(3600, next: t0, retryAt: t0.addingTimeInterval(10)))
        #expect(queue.takeDue(now: t0.addingTimeInterval(5)).isEmpty)
        #expect(queue.wakeTime(now: t0) == t0.addingTimeInterval(10))
        #expect(queue.takeDue(now: t0.addingTimeInterval(10)) == ["a"])
    }

    @Test func backOffDoublesFromTenSecondsToTenMinutesWithJitter() {
        let delays = (1...9).map { StaticRotationQueue.retryDelay(failures: $0, jitter: 0) }
        #expect(delays == [10, 20, 40, 80, 160, 320, 600, 600, 600])
        #expect(StaticRotationQueue.retryDelay(failures: 1, jitter: 0.999) > 8)
        #expect(StaticRotationQueue.retryDelay(failures: 1, jitter: 0.5) == 9)
        #expect(StaticRotationQueue.retryDelay(failures: 1_000_000, jitter: 0) == 600)
        #expect(StaticRotationQueue.retryDelay(failures: 0, jitter: 2) == 8)

        var role = StaticRole(dbName: "pg", username: "app", rotationPeriod: 3600)
        role.failed("error setting credentials: boom", at: t0, jitter: 0)
        role.failed("error setting credentials: boom", at: t0, jitter: 0)
        #expect(role.failures == 2)
        #expect(role.retryAt == t0.addingTimeInterval(20))
        role.rotated(to: "new", at: t0.addingTimeInterval(30))
        #expect(role.failures == 0 && role.retryAt == nil && role.lastError == nil)
        #expect(role.nextVaultRotation == t0.addingTimeInterval(3630))
    }

    @Test func aWindowedSlotMissedIsSkippedAndRetriesStopAtTheWindow() {
        let plan = RotationPlan.schedule(cron("0 0 * * *"), window: 3600)
        let slot = utc("2024-01-02 00:00")
        let timer = Timer(plan: plan, next: slot, retryAt: nil)
        // Inside the window: due at the slot.
        #expect(StaticRotationQueue.dueTime(timer, now: utc("2024-01-02 00:59:59")) == slot)
        // The window closed (downtime): the next day's slot, not now.
        #expect(StaticRotationQueue.dueTime(timer, now: utc("2024-01-02 01:00")) == utc("2024-01-03 00:00"))
        // A retry inside the window stands; one the window has passed gives way to the next slot.
        let retrying = Timer(plan: plan, next: slot, retryAt: utc("2024-01-02 00:50"))
        #expect(StaticRotationQueue.dueTime(retrying, now: utc("2024-01-02 00:40")) == utc("2024-01-02 00:50"))
        #expect(StaticRotationQueue.dueTime(retrying, now: utc("2024-01-02 01:00")) == utc("2024-01-03 00:00"))
        var queue = StaticRotationQueue(maxConcurrent: 1)
        queue.set("a", retrying)
        #expect(queue.takeDue(now: utc("2024-01-02 02:00")).isEmpty)
        #expect(queue.takeDue(now: utc("2024-01-03 00:10")) == ["a"])
    }

    @Test func scheduleWithoutWindowCatchesUpAndNextSlotFollowsTheRotation() {
        let plan = RotationPlan.schedule(cron("0 0 * * *"), window: nil)
        let timer = Timer(plan: plan, next: utc("2024-01-02 00:00"), retryAt: nil)
        #expect(StaticRotationQueue.dueTime(timer, now: utc("2024-01-05 13:00")) == utc("2024-01-02 00:00"))
        #expect(StaticRotationQueue.nextSlot(plan, after: utc("2024-01-05 13:00")) == utc("2024-01-06 00:00"))
        #expect(StaticRotationQueue.nextSlot(.period(seconds: 5), after: t0) == t0.addingTimeInterval(5))
        #expect(StaticRotationQueue.nextSlot(nil, after: t0) == nil)
    }
}
