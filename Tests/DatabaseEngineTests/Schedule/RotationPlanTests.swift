import Foundation
import Testing
@testable import DatabaseEngine

@Suite("Rotation plan")
struct RotationPlanTests {
    private let daily = cron("0 0 * * *")

    @Test func periodIsLastPlusPeriod() {
        let plan = RotationPlan.period(seconds: 3600)
        let last = utc("2024-01-01 10:00:30")
        #expect(plan.nextRotation(after: last, now: last) == utc("2024-01-01 11:00:30"))
        #expect(!plan.isDue(lastRotation: last, now: utc("2024-01-01 11:00:29")))
        #expect(plan.isDue(lastRotation: last, now: utc("2024-01-01 11:00:30")))
        // Periods have no window: a long outage still rotates immediately.
        #expect(plan.isDue(lastRotation: last, now: utc("2024-03-01 00:00")))
        #expect(plan.nextRotation(after: last, now: utc("2024-03-01 00:00")) == utc("2024-01-01 11:00:30"))
    }

    @Test func scheduleWithoutWindowCatchesUp() {
        let plan = RotationPlan.schedule(daily, window: nil)
        let last = utc("2024-01-01 00:00:05")
        #expect(plan.nextRotation(after: last, now: utc("2024-01-01 12:00")) == utc("2024-01-02 00:00"))
        #expect(!plan.isDue(lastRotation: last, now: utc("2024-01-01 23:59:59")))
        #expect(plan.isDue(lastRotation: last, now: utc("2024-01-02 00:00")))
        #expect(plan.isDue(lastRotation: last, now: utc("2024-01-05 13:00")))
        #expect(plan.nextRotation(after: last, now: utc("2024-01-05 13:00")) == utc("2024-01-02 00:00"))
    }

    @Test func scheduleWithWindowIsDueInsideIt() {
        let plan = RotationPlan.schedule(daily, window: 3600)
        let last = utc("2024-01-01 00:00:05")
        // Before the slot: waiting for it.
        #expect(plan.nextRotation(after: last, now: utc("2024-01-01 23:00")) == utc("2024-01-02 00:00"))
        #expect(!plan.isDue(lastRotation: last, now: utc("2024-01-01 23:59:59")))
        // Inside [slot, slot + window): due, and the slot is reported.
        for now in ["2024-01-02 00:00:00", "2024-01-02 00:30:00", "2024-01-02 00:59:59"] {
            #expect(plan.isDue(lastRotation: last, now: utc(now)), "\(now)")
            #expect(plan.nextRotation(after: last, now: utc(now)) == utc("2024-01-02 00:00"))
        }
    }

    @Test func scheduleWithWindowSkipsMissedSlot() {
        let plan = RotationPlan.schedule(daily, window: 3600)
        let last = utc("2024-01-01 00:00:05")
        // Exactly slot + window is already outside (Vault uses Before).
        for now in ["2024-01-02 01:00:00", "2024-01-02 05:00:00", "2024-01-02 23:59:59"] {
            #expect(!plan.isDue(lastRotation: last, now: utc(now)), "\(now)")
            #expect(plan.nextRotation(after: last, now: utc(now)) == utc("2024-01-03 00:00"))
        }
    }

    /// The last rotation stays at Jan 1 while slots are missed; the plan must
    /// still become due at the next slot rather than re-missing Jan 2 forever.
    @Test func missedSlotDoesNotBlockLaterSlots() {
        let plan = RotationPlan.schedule(daily, window: 3600)
        let last = utc("2024-01-01 00:00:05")
        #expect(!plan.isDue(lastRotation: last, now: utc("2024-01-02 12:00")))
        #expect(plan.isDue(lastRotation: last, now: utc("2024-01-03 00:00")))
        #expect(plan.isDue(lastRotation: last, now: utc("2024-01-03 00:45")))
        // After downtime, a slot whose window is open right now is honoured.
        #expect(plan.isDue(lastRotation: last, now: utc("2024-01-09 00:10")))
        #expect(plan.nextRotation(after: last, now: utc("2024-01-09 00:10")) == utc("2024-01-09 00:00"))
        #expect(plan.nextRotation(after: last, now: utc("2024-01-09 02:00")) == utc("2024-01-10 00:00"))
    }

    /// A window longer than the gap between slots: the earliest slot whose
    /// window still holds `now` is the one reported.
    @Test func windowWiderThanSlotSpacing() {
        let plan = RotationPlan.schedule(cron("*/10 * * * *"), window: 3600)
        let last = utc("2024-01-01 00:00:05")
        #expect(plan.nextRotation(after: last, now: utc("2024-01-01 00:05")) == utc("2024-01-01 00:10"))
        #expect(plan.nextRotation(after: last, now: utc("2024-01-01 01:05")) == utc("2024-01-01 00:10"))
        #expect(plan.nextRotation(after: last, now: utc("2024-01-01 03:05")) == utc("2024-01-01 02:10"))
        #expect(plan.isDue(lastRotation: last, now: utc("2024-01-01 03:05")))
    }

    @Test func zeroWindowMeansNoWindow() {
        let plan = RotationPlan.schedule(daily, window: 0)
        let last = utc("2024-01-01 00:00:05")
        #expect(plan.isDue(lastRotation: last, now: utc("2024-01-05 13:00")))
        #expect(plan.window == 0)
        #expect(RotationPlan.period(seconds: 5).window == nil)
    }

    @Test func scheduleThatNeverFiresIsNeverDue() {
        let plan = RotationPlan.schedule(cron("0 0 30 2 *"), window: nil)
        let last = utc("2024-01-01 00:00")
        #expect(plan.nextRotation(after: last, now: utc("2030-01-01 00:00")) == .distantFuture)
        #expect(!plan.isDue(lastRotation: last, now: utc("2030-01-01 00:00")))
        let windowed = RotationPlan.schedule(cron("0 0 30 2 *"), window: 7200)
        #expect(!windowed.isDue(lastRotation: last, now: utc("2030-01-01 00:00")))
    }

    @Test func descriptorPlan() {
        let plan = RotationPlan.schedule(cron("@weekly"), window: 86_400)
        let last = utc("2024-06-02 00:00:10")  // a Sunday, just rotated
        #expect(plan.nextRotation(after: last, now: last) == utc("2024-06-09 00:00"))
        #expect(plan.isDue(lastRotation: last, now: utc("2024-06-09 23:59")))
        #expect(!plan.isDue(lastRotation: last, now: utc("2024-06-10 00:00")))
        #expect(plan.nextRotation(after: last, now: utc("2024-06-10 00:00")) == utc("2024-06-16 00:00"))
    }
}
