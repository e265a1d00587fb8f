package import struct Foundation.Date

/// A static role's `rotation_schedule`: a standard 5-field cron expression
/// (`minute hour day-of-month month day-of-week`) evaluated in UTC at minute
/// resolution, parsed like Vault does with robfig/cron v3's standard parser.
///
/// Accepted syntax:
/// - `*` / `?`, values, lists `1,2`, ranges `1-5`, steps `*/15`, `1-30/5`,
///   and `N/step` (= `N-max/step`);
/// - month names `JAN`-`DEC` and weekday names `SUN`-`SAT`, any case;
/// - day-of-week `0`-`6` with Sunday = 0, and also `7` for Sunday;
/// - descriptors `@yearly`/`@annually`, `@monthly`, `@weekly`,
///   `@daily`/`@midnight`, `@hourly` (exact lower case, as robfig matches them);
/// - an optional `TZ=UTC ` / `CRON_TZ=UTC ` prefix (any other zone is rejected:
///   schedules are UTC-only here).
///
/// Day rule (cron's, as robfig implements it): if day-of-month or day-of-week
/// was written as a bare `*`/`?` (or `*/1`), a day must match both fields;
/// otherwise it must match either one (`0 0 1,15 * MON` = the 1st, the 15th
/// and every Monday). Note `*/2` is not a bare star and gets the OR rule.
package struct CronSchedule: Sendable, Hashable, CustomStringConvertible {
    /// The expression as given, for storage and display.
    package let text: String
    let minutes: CronField
    let hours: CronField
    let daysOfMonth: CronField
    let months: CronField
    /// Bits 0...6, Sunday = 0 (a written `7` is folded onto bit 0).
    let daysOfWeek: CronField

    package var description: String { text }

    package init(_ text: String) throws(ScheduleError) {
        var spec = Self.trimmed(text[...])
        if spec.isEmpty { throw ScheduleError("empty spec string") }
        spec = try Self.strippingTimeZone(spec)

        if spec.hasPrefix("@") {
            guard let fields = Self.descriptor(spec) else {
                if spec.hasPrefix("@every ") {
                    // robfig yields a constant-delay schedule that Vault rejects.
                    throw ScheduleError("invalid rotation schedule: @every is not supported, use rotation_period")
                }
                throw ScheduleError("unrecognized descriptor: \(spec)")
            }
            self.init(text: text, fields: fields)
            return
        }

        let parts = spec.split(whereSeparator: \.isWhitespace)
        guard parts.count == 5 else {
            throw ScheduleError("expected exactly 5 fields, found \(parts.count): [\(parts.joined(separator: " "))]")
        }
        var dow = try CronField.parse(parts[4], .dayOfWeek)
        if dow.bits & (1 << 7) != 0 { dow.bits = (dow.bits & ~(1 << 7)) | 1 }
        self.init(text: text, fields: [
            try CronField.parse(parts[0], .minute),
            try CronField.parse(parts[1], .hour),
            try CronField.parse(parts[2], .dayOfMonth),
            try CronField.parse(parts[3], .month),
            dow,
        ])
    }

    private init(text: String, fields: [CronField]) {
        self.text = text
        minutes = fields[0]
        hours = fields[1]
        daysOfMonth = fields[2]
        months = fields[3]
        daysOfWeek = fields[4]
    }

    /// Whether the schedule fires at the (UTC) minute containing `date`.
    package func matches(_ date: Date) -> Bool {
        guard let seconds = Instant.floorSeconds(date.timeIntervalSince1970) else { return false }
        let minute = Instant.floorDiv(seconds, 60)
        let dayNumber = Instant.floorDiv(minute, 1440)
        let minuteOfDay = Int(minute - dayNumber * 1440)
        let (_, month, day) = CivilDate.civil(fromDays: dayNumber)
        return months.bits & (1 << UInt64(month)) != 0
            && dayMatches(dayOfMonth: day, weekday: CivilDate.weekday(fromDays: dayNumber))
            && hours.bits & (1 << UInt64(minuteOfDay / 60)) != 0
            && minutes.bits & (1 << UInt64(minuteOfDay % 60)) != 0
    }

    /// robfig's `dayMatches`: AND when either day field is a bare star, else OR.
    func dayMatches(dayOfMonth: Int, weekday: Int) -> Bool {
        let domMatch = daysOfMonth.bits & (1 << UInt64(dayOfMonth)) != 0
        let dowMatch = daysOfWeek.bits & (1 << UInt64(weekday)) != 0
        if daysOfMonth.isStar || daysOfWeek.isStar {
            return domMatch && dowMatch
        }
        return domMatch || dowMatch
    }

    // MARK: - Parsing helpers

    private static func trimmed(_ text: Substring) -> Substring {
        guard let first = text.firstIndex(where: { !$0.isWhitespace }),
              let last = text.lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return text[first...last]
    }

    /// robfig accepts `TZ=zone ` / `CRON_TZ=zone ` before the fields. Custos
    /// evaluates schedules in UTC only, so only UTC spellings are allowed.
    private static func strippingTimeZone(_ spec: Substring) throws(ScheduleError) -> Substring {
        guard spec.hasPrefix("TZ=") || spec.hasPrefix("CRON_TZ=") else { return spec }
        guard let space = spec.firstIndex(where: \.isWhitespace),
              let equals = spec.firstIndex(of: "=") else {
            throw ScheduleError("missing fields after time zone: \(spec)")
        }
        let zone = spec[spec.index(after: equals)..<space]
        guard zone == "UTC" || zone == "Etc/UTC" else {
            throw ScheduleError("provided bad location \(zone): only UTC schedules are supported")
        }
        return trimmed(spec[space...])
    }

    /// robfig's predefined schedules, as [minute, hour, dom, month, dow].
    private static func descriptor(_ spec: Substring) -> [CronField]? {
        let zero = CronField(bits: 1, isStar: false)
        let first = CronField(bits: 1 << 1, isStar: false)
        func all(_ bounds: CronFieldBounds) -> CronField { CronField(bits: bounds.all, isStar: true) }
        switch spec {
        case "@yearly", "@annually":
            return [zero, zero, first, first, all(.dayOfWeek)]
        case "@monthly":
            return [zero, zero, first, all(.month), all(.dayOfWeek)]
        case "@weekly":
            return [zero, zero, all(.dayOfMonth), all(.month), zero]
        case "@daily", "@midnight":
            return [zero, zero, all(.dayOfMonth), all(.month), all(.dayOfWeek)]
        case "@hourly":
            return [zero, all(.hour), all(.dayOfMonth), all(.month), all(.dayOfWeek)]
        default:
            return nil
        }
    }
}
