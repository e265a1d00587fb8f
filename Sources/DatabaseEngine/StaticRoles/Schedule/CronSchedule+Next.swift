package import struct Foundation.Date

extension CronSchedule {
    /// How far ahead `next(after:)` looks: through the end of the start year
    /// plus this many years. robfig stops after 5, which misses Feb 29 across
    /// a skipped century leap year (2096 -> 2104); 8 covers every satisfiable
    /// expression, so `nil` really means "never fires".
    static let searchYears: Int64 = 8

    /// The first minute strictly after `date` at which the schedule fires, in
    /// UTC. Returns nil when no such minute exists within the search horizon
    /// (e.g. `0 0 30 2 *`), or when `date` is not finite or outside years
    /// 1...9999. Cost is bounded: at most ~9 years of day steps, skipping
    /// unselected months wholesale.
    package func next(after date: Date) -> Date? {
        guard let seconds = Instant.floorSeconds(date.timeIntervalSince1970) else { return nil }
        // Minute resolution, strictly after: the minute following the one
        // that contains `date`.
        let startMinute = Instant.floorDiv(seconds, 60) + 1
        var dayNumber = Instant.floorDiv(startMinute, 1440)
        var fromMinuteOfDay = Int(startMinute - dayNumber * 1440)

        let startYear = CivilDate.civil(fromDays: dayNumber).year
        let endDay = CivilDate.days(year: startYear + Self.searchYears + 1, month: 1, day: 1)

        while dayNumber < endDay {
            let (year, month, day) = CivilDate.civil(fromDays: dayNumber)
            if months.bits & (1 << UInt64(month)) == 0 {
                dayNumber = CivilDate.firstOfNextMonth(year: year, month: month)
                fromMinuteOfDay = 0
                continue
            }
            if dayMatches(dayOfMonth: day, weekday: CivilDate.weekday(fromDays: dayNumber)),
               let minuteOfDay = firstFiringMinute(from: fromMinuteOfDay) {
                let result = (dayNumber * 1440 + Int64(minuteOfDay)) * 60
                guard Instant.supportedRange.contains(result) else { return nil }
                return Date(timeIntervalSince1970: Double(result))
            }
            dayNumber += 1
            fromMinuteOfDay = 0
        }
        return nil
    }

    /// The first selected minute of a matching day at or after `minuteOfDay`
    /// (0...1439), or nil if the rest of the day has none.
    private func firstFiringMinute(from minuteOfDay: Int) -> Int? {
        var hour = minuteOfDay / 60
        var minute = minuteOfDay % 60
        while hour < 24 {
            if hours.bits & (1 << UInt64(hour)) != 0 {
                let remaining = minutes.bits & (~UInt64(0) << UInt64(minute))
                if remaining != 0 { return hour * 60 + remaining.trailingZeroBitCount }
            }
            hour += 1
            minute = 0
        }
        return nil
    }
}
