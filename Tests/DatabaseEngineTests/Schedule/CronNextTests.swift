import Foundation
import Testing
@testable import DatabaseEngine

@Suite("Cron next fire")
struct CronNextTests {
    /// (expression, after, expected next) — all UTC.
    @Test(arguments: [
        // Strictly after, minute resolution.
        ("* * * * *", "2024-05-05 12:00:00", "2024-05-05 12:01"),
        ("* * * * *", "2024-05-05 12:00:30", "2024-05-05 12:01"),
        ("* * * * *", "2024-05-05 12:00:59", "2024-05-05 12:01"),
        ("30 12 * * *", "2024-05-05 12:29:59", "2024-05-05 12:30"),
        ("30 12 * * *", "2024-05-05 12:30:00", "2024-05-06 12:30"),
        // Hour, day, month and year boundaries.
        ("0 * * * *", "2024-12-31 23:30", "2025-01-01 00:00"),
        ("59 23 31 12 *", "2024-12-31 23:59", "2025-12-31 23:59"),
        ("0 0 1 * *", "2024-01-31 12:00", "2024-02-01 00:00"),
        ("0 0 31 * *", "2024-01-31 00:00", "2024-03-31 00:00"),
        ("0 0 31 * *", "2024-04-01 00:00", "2024-05-31 00:00"),
        ("0 0 1 1 *", "1969-06-01 00:00", "1970-01-01 00:00"),
        ("15 10 * * *", "1969-12-31 23:59", "1970-01-01 10:15"),
        // Leap years: every 4, not 100, but 400.
        ("0 0 29 2 *", "2023-01-01 00:00", "2024-02-29 00:00"),
        ("0 0 29 2 *", "2024-02-29 00:00", "2028-02-29 00:00"),
        ("0 0 29 2 *", "1999-03-01 00:00", "2000-02-29 00:00"),
        ("0 0 29 2 *", "1897-01-01 00:00", "1904-02-29 00:00"),
        ("0 0 29 2 *", "2096-03-01 00:00", "2104-02-29 00:00"),
        ("0 0 28 2 *", "2100-02-28 00:00", "2101-02-28 00:00"),
        ("0 0 1 3 *", "2100-02-28 12:00", "2100-03-01 00:00"),
        // Steps and ranges.
        ("*/15 * * * *", "2024-05-05 10:50", "2024-05-05 11:00"),
        ("1-30/5 * * * *", "2024-05-05 10:26", "2024-05-05 11:01"),
        ("30 */6 * * *", "2024-05-05 19:00", "2024-05-06 00:30"),
        ("0 9-17/4 * * *", "2024-05-05 13:00", "2024-05-05 17:00"),
        ("0 9-17/4 * * *", "2024-05-05 17:00", "2024-05-06 09:00"),
        ("0 0 */10 * *", "2024-01-21 00:00", "2024-01-31 00:00"),
        ("0 0 */10 * *", "2024-01-31 00:00", "2024-02-01 00:00"),
        // Names and Sunday as 0 or 7 (2024-06-01 is a Saturday).
        ("0 0 1 JAN,jul *", "2024-02-01 00:00", "2024-07-01 00:00"),
        ("0 0 * * 7", "2024-06-01 00:00", "2024-06-02 00:00"),
        ("0 0 * * 0", "2024-06-01 00:00", "2024-06-02 00:00"),
        ("0 0 * * SUN", "2024-06-01 00:00", "2024-06-02 00:00"),
        ("0 12 * * mon-fri", "2024-06-01 00:00", "2024-06-03 12:00"),
        ("0 12 * * 1", "2024-01-01 12:00", "2024-01-08 12:00"),
        // Day-of-month AND day-of-week when one is a bare star.
        ("0 0 15 * *", "2024-06-10 00:00", "2024-06-15 00:00"),
        ("0 0 ? * 1", "2024-06-01 00:00", "2024-06-03 00:00"),
        ("0 0 * 2 MON", "2024-03-01 00:00", "2025-02-03 00:00"),
        ("0 0 13 * 5", "2024-01-01 00:00", "2024-01-05 00:00"),
        // Descriptors.
        ("@yearly", "2024-06-01 00:00", "2025-01-01 00:00"),
        ("@annually", "2024-12-31 23:59", "2025-01-01 00:00"),
        ("@monthly", "2024-01-31 23:59", "2024-02-01 00:00"),
        ("@weekly", "2024-06-01 00:00", "2024-06-02 00:00"),
        ("@weekly", "2024-06-02 00:00", "2024-06-09 00:00"),
        ("@daily", "2024-02-28 12:00", "2024-02-29 00:00"),
        ("@midnight", "2024-02-29 00:00", "2024-03-01 00:00"),
        ("@hourly", "2024-05-05 10:00", "2024-05-05 11:00"),
        ("@hourly", "2024-05-05 23:59", "2024-05-06 00:00"),
    ])
    func nextFire(_ expression: String, _ after: String, _ expected: String) {
        #expect(show(cron(expression).next(after: utc(after))) == expected)
    }

    /// cron's OR rule: both day fields restricted means either may match.
    /// June 2024 starts on a Saturday: the 15th is a Saturday, Sundays are
    /// the 16th, 23rd, 30th; July's Sundays are the 7th and 14th.
    @Test func dayOfMonthOrDayOfWeek() {
        let schedule = cron("0 0 15 * SUN")
        var fires: [String] = []
        var t = utc("2024-06-10 00:00")
        for _ in 0..<7 {
            t = schedule.next(after: t)!
            fires.append(show(t))
        }
        #expect(fires == [
            "2024-06-15 00:00", "2024-06-16 00:00", "2024-06-23 00:00", "2024-06-30 00:00",
            "2024-07-07 00:00", "2024-07-14 00:00", "2024-07-15 00:00",
        ])
    }

    /// `*/2` is not a bare star, so robfig applies OR: odd days or Sundays.
    @Test func steppedStarUsesOrRule() {
        let schedule = cron("0 0 */2 * SUN")
        var fires: [String] = []
        var t = utc("2024-06-01 00:00")
        for _ in 0..<4 {
            t = schedule.next(after: t)!
            fires.append(show(t))
        }
        #expect(fires == ["2024-06-02 00:00", "2024-06-03 00:00", "2024-06-05 00:00", "2024-06-07 00:00"])
    }

    @Test(arguments: ["0 0 30 2 *", "0 0 31 4,6,9,11 *", "0 0 31 2 *", "* * 30,31 feb *"])
    func impossibleDatesReturnNilQuickly(_ expression: String) {
        let schedule = cron(expression)
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            #expect(schedule.next(after: utc("2024-01-01 00:00")) == nil)
        }
        #expect(elapsed < .seconds(1))
    }

    @Test func extremeInstantsNeverTrap() {
        let every = cron("* * * * *")
        #expect(every.next(after: Date(timeIntervalSince1970: .nan)) == nil)
        #expect(every.next(after: Date(timeIntervalSince1970: .infinity)) == nil)
        #expect(every.next(after: Date(timeIntervalSince1970: -.infinity)) == nil)
        #expect(every.next(after: Date(timeIntervalSince1970: 1e20)) == nil)
        #expect(every.next(after: Date(timeIntervalSince1970: -1e20)) == nil)
        #expect(every.next(after: utc("9999-12-31 23:59")) == nil)
        #expect(show(every.next(after: utc("9999-12-31 23:58"))) == "9999-12-31 23:59")
        // Year 1 (proleptic Gregorian; Foundation's calendar is Julian there).
        let yearOne = Date(timeIntervalSince1970: -62_135_596_800)
        #expect(every.next(after: yearOne) == yearOne.addingTimeInterval(60))
        #expect(every.next(after: yearOne.addingTimeInterval(-1)) == nil)
        let far = every.next(after: .distantFuture)
        #expect(far != nil && far! > .distantFuture)
        #expect(!every.matches(Date(timeIntervalSince1970: .nan)))
    }

    @Test func resultMatchesAndIsStrictlyLater() {
        for expression in ["*/7 3-5 * * *", "0 0 29 2 *", "@weekly", "15 10 1,15 * MON"] {
            let schedule = cron(expression)
            let fire = schedule.next(after: utc("2031-07-04 08:00"))!
            #expect(schedule.matches(fire))
            #expect(schedule.next(after: fire)! > fire)
        }
    }
}
