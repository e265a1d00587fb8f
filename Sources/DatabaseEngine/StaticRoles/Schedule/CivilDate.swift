/// Proleptic Gregorian calendar arithmetic in UTC, done by hand (Howard
/// Hinnant's `days_from_civil` / `civil_from_days`) so cron evaluation never
/// depends on Foundation's `Calendar`, the process time zone, or DST rules.
///
/// Day numbers count days since 1970-01-01 (day 0). All arithmetic is on
/// `Int64` and only ever sees years within `Instant.supportedRange`, so it
/// cannot overflow.
enum CivilDate {
    /// Days since 1970-01-01 for the given civil date. `month` is 1...12 and
    /// `day` 1...31; callers only pass valid dates.
    static func days(year: Int64, month: Int, day: Int) -> Int64 {
        // Shift the year to start in March so the leap day is the last day.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let m = Int64(month)
        let dayOfYear = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The civil date of a day number (inverse of `days(year:month:day:)`).
    static func civil(fromDays dayNumber: Int64) -> (year: Int64, month: Int, day: Int) {
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, Int(month), Int(day))
    }

    /// 0 = Sunday ... 6 = Saturday, as cron numbers weekdays.
    static func weekday(fromDays dayNumber: Int64) -> Int {
        // 1970-01-01 was a Thursday (4); keep the remainder non-negative.
        Int(((dayNumber % 7) + 11) % 7)
    }

    /// Day number of the first day of the month after `year`-`month`.
    static func firstOfNextMonth(year: Int64, month: Int) -> Int64 {
        month == 12 ? days(year: year + 1, month: 1, day: 1) : days(year: year, month: month + 1, day: 1)
    }
}

/// Conversions between `Date` and whole Unix seconds / minutes, guarded so a
/// NaN, infinite or absurd `Date` never traps on an integer conversion.
enum Instant {
    /// 0001-01-01T00:00:00Z ..< 10000-01-01T00:00:00Z, in Unix seconds.
    /// Cron results outside this range are reported as "no next fire".
    static let supportedRange: Range<Int64> = -62_135_596_800 ..< 253_402_300_800

    /// Whole Unix seconds at or before `interval` (floor), or nil when the
    /// instant is not finite or lies outside `supportedRange`.
    static func floorSeconds(_ interval: Double) -> Int64? {
        guard interval.isFinite else { return nil }
        let floored = interval.rounded(.down)
        guard floored >= Double(supportedRange.lowerBound),
              floored < Double(supportedRange.upperBound) else { return nil }
        return Int64(floored)
    }

    /// Floor division that rounds toward negative infinity (pre-1970 instants).
    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }
}
