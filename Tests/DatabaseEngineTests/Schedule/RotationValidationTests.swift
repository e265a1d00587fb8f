import Testing
@testable import DatabaseEngine

@Suite("Rotation field validation")
struct RotationValidationTests {
    private func failure(_ fields: RotationFields, creating: Bool = true) -> String? {
        do {
            _ = try RotationRules.validate(fields, creating: creating)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func periodAndScheduleAreMutuallyExclusive() {
        #expect(failure(RotationFields(period: 3600, schedule: "* * * * *"))
            == "mutually exclusive fields rotation_period and rotation_schedule were both specified; only one of them can be provided")
        // Checked before anything else, on updates too.
        #expect(failure(RotationFields(period: 1, schedule: "nonsense", window: 1), creating: false)
            == "mutually exclusive fields rotation_period and rotation_schedule were both specified; only one of them can be provided")
        // An empty schedule counts as absent, as in Vault.
        #expect(failure(RotationFields(period: 3600, schedule: "")) == nil)
    }

    @Test func createNeedsOneOfThem() {
        let message = "one of rotation_schedule or rotation_period must be provided to create a static account"
        #expect(failure(RotationFields()) == message)
        #expect(failure(RotationFields(schedule: "")) == message)
        #expect(failure(RotationFields(window: 3600)) == message)
    }

    @Test func periodRules() throws {
        #expect(failure(RotationFields(period: 4)) == "rotation_period must be 5 seconds or more")
        #expect(failure(RotationFields(period: -10)) == "rotation_period must be 5 seconds or more")
        #expect(try RotationRules.validate(RotationFields(period: 5), creating: true) == .period(seconds: 5))
        #expect(failure(RotationFields(period: 86_400, window: 3600))
            == "rotation_window is invalid with use of rotation_period")
        // Vault checks the period's minimum before the window.
        #expect(failure(RotationFields(period: 1, window: 3600)) == "rotation_period must be 5 seconds or more")
    }

    @Test func scheduleRules() throws {
        #expect(failure(RotationFields(schedule: "foo"))
            == "could not parse rotation_schedule: expected exactly 5 fields, found 1: [foo]")
        #expect(failure(RotationFields(schedule: "0 0 * * *", window: 3599))
            == "rotation_window is invalid: rotation_window must be 3600 seconds or more")
        #expect(failure(RotationFields(schedule: "0 0 * * *", window: 0))
            == "rotation_window is invalid: rotation_window must be 3600 seconds or more")
        // A bad schedule is reported before a bad window.
        #expect(failure(RotationFields(schedule: "61 * * * *", window: 5))
            == "could not parse rotation_schedule: end of range (61) above maximum (59): 61")

        let plan = try RotationRules.validate(RotationFields(schedule: "0 0 * * SUN", window: 3600), creating: true)
        #expect(plan == .schedule(cron("0 0 * * SUN"), window: 3600))
        let noWindow = try RotationRules.validate(RotationFields(schedule: "@daily"), creating: true)
        #expect(noWindow == .schedule(cron("@daily"), window: nil))
    }

    @Test func updatesWithoutPeriodOrScheduleKeepThePlan() throws {
        #expect(try RotationRules.validate(RotationFields(), creating: false) == nil)
        // Vault ignores a lone rotation_window on update.
        #expect(try RotationRules.validate(RotationFields(window: 10), creating: false) == nil)
        #expect(try RotationRules.validate(RotationFields(period: 60), creating: false) == .period(seconds: 60))
    }

    @Test func individualHelpers() {
        #expect(throws: RotationConfigError("rotation_period must be 5 seconds or more")) {
            try RotationRules.validatePeriod(0)
        }
        #expect(throws: Never.self) { try RotationRules.validateWindow(3600) }
        #expect(throws: RotationConfigError("could not parse rotation_schedule: empty spec string")) {
            try RotationRules.parseSchedule("")
        }
    }
}
