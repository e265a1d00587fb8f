/// The rotation fields of a static-role write (`database/static-roles/:name`),
/// as present in the request. `nil` = field absent. An empty
/// `rotation_schedule` counts as absent, as in Vault.
package struct RotationFields: Sendable, Hashable {
    package var period: Int64?
    package var schedule: String?
    package var window: Int64?

    package init(period: Int64? = nil, schedule: String? = nil, window: Int64? = nil) {
        self.period = period
        self.schedule = schedule
        self.window = window
    }
}

/// Vault's validation of `rotation_period`, `rotation_schedule` and
/// `rotation_window` (builtin/logical/database/path_roles.go and
/// schedule/schedule.go), in Vault's order and with Vault's messages.
package enum RotationRules {
    /// Vault's queue tick: a shorter period could not be honoured.
    package static let minimumPeriodSeconds: Int64 = 5
    /// Vault's `minRotationWindowSeconds`.
    package static let minimumWindowSeconds: Int64 = 3600

    /// Validates a create or update request and returns the plan to store.
    ///
    /// Returns nil on an update that names neither a period nor a schedule:
    /// the role keeps its current plan. Vault then ignores a lone
    /// `rotation_window` too (it only reads it next to a schedule), and so do we.
    ///
    /// Order of checks (first failure wins):
    /// 1. period and non-empty schedule together;
    /// 2. on create, neither given;
    /// 3. period below 5 s, then any window alongside a period;
    /// 4. schedule that does not parse, then a window below 3600 s.
    package static func validate(_ fields: RotationFields, creating: Bool) throws(RotationConfigError) -> RotationPlan? {
        let schedule = fields.schedule.flatMap { $0.isEmpty ? nil : $0 }
        if fields.period != nil && schedule != nil {
            throw RotationConfigError("mutually exclusive fields rotation_period and rotation_schedule were both specified; only one of them can be provided")
        }
        if creating && fields.period == nil && schedule == nil {
            throw RotationConfigError("one of rotation_schedule or rotation_period must be provided to create a static account")
        }
        if let period = fields.period {
            try validatePeriod(period)
            if fields.window != nil {
                throw RotationConfigError("rotation_window is invalid with use of rotation_period")
            }
            return .period(seconds: period)
        }
        if let schedule {
            let cron = try parseSchedule(schedule)
            if let window = fields.window {
                try validateWindow(window)
            }
            return .schedule(cron, window: fields.window)
        }
        return nil
    }

    /// `rotation_period` must be at least `minimumPeriodSeconds`.
    package static func validatePeriod(_ seconds: Int64) throws(RotationConfigError) {
        guard seconds >= minimumPeriodSeconds else {
            throw RotationConfigError("rotation_period must be \(minimumPeriodSeconds) seconds or more")
        }
    }

    /// `rotation_window` must be at least `minimumWindowSeconds`. Vault wraps
    /// the reason as `rotation_window is invalid` plus the error detail.
    package static func validateWindow(_ seconds: Int64) throws(RotationConfigError) {
        guard seconds >= minimumWindowSeconds else {
            throw RotationConfigError("rotation_window is invalid: rotation_window must be \(minimumWindowSeconds) seconds or more")
        }
    }

    /// Parses `rotation_schedule`, wrapping the parser's reason the way Vault
    /// prefixes it.
    package static func parseSchedule(_ text: String) throws(RotationConfigError) -> CronSchedule {
        do {
            return try CronSchedule(text)
        } catch {
            throw RotationConfigError("could not parse rotation_schedule: \(error.message)")
        }
    }
}
