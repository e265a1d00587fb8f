import CustosCore
import Foundation
import SeededRandom
import Testing
@testable import DatabaseEngine

@Suite("Cron properties (seeded)")
struct CronPropertyTests {
    /// Random instant between 1950 and 2150, with random seconds.
    private static func randomInstant(_ rng: inout SplitMix64) -> Date {
        let low = utc("1950-01-01 00:00").timeIntervalSince1970
        let high = utc("2150-01-01 00:00").timeIntervalSince1970
        return Date(timeIntervalSince1970: Double.random(in: low..<high, using: &rng).rounded(.down))
    }

    /// `next(after:)` agrees with a minute-by-minute scan over 4 days.
    @Test(arguments: [UInt64(1), 2, 3])
    func nextMatchesMinuteScan(seed: UInt64) {
        var generator = ExpressionGenerator(rng: SplitMix64(seed: seed))
        var rng = SplitMix64(seed: seed &* 7919)
        let scanMinutes = 4 * 1440
        var compared = 0
        for _ in 0..<120 {
            let text = generator.expression(starBias: 0.6)
            let schedule = cron(text)
            let start = Self.randomInstant(&rng)
            let expected = Oracle.scanMinutes(schedule, after: start, minutes: scanMinutes)
            let actual = schedule.next(after: start)
            if let expected {
                compared += 1
                #expect(show(actual) == show(expected), "\(text) after \(show(start))")
            } else {
                let scanEnd = start.addingTimeInterval(Double(scanMinutes * 60))
                #expect(actual == nil || actual! > scanEnd, "\(text) after \(show(start))")
            }
        }
        // Guard against a vacuous property: most expressions must fire in the scan.
        #expect(compared >= 50)
    }

    /// Sparse schedules: `next(after:)` agrees with a day-by-day scan using
    /// Foundation's calendar over the same 8-year horizon, including nil.
    @Test(arguments: [UInt64(11), 12])
    func nextMatchesDayScan(seed: UInt64) {
        var generator = ExpressionGenerator(rng: SplitMix64(seed: seed))
        var rng = SplitMix64(seed: seed &* 104_729)
        var fired = 0
        for _ in 0..<80 {
            let text = generator.expression(starBias: 0.25)
            let schedule = cron(text)
            let start = Self.randomInstant(&rng)
            let expected = Oracle.scanDays(schedule, after: start, years: Int(CronSchedule.searchYears))
            if expected != nil { fired += 1 }
            #expect(show(schedule.next(after: start)) == show(expected), "\(text) after \(show(start))")
        }
        #expect(fired >= 40)
    }

    /// Chained fires are strictly increasing and each one matches.
    @Test func chainedFiresIncreaseAndMatch() {
        var generator = ExpressionGenerator(rng: SplitMix64(seed: 42))
        var rng = SplitMix64(seed: 4242)
        for _ in 0..<60 {
            let schedule = cron(generator.expression(starBias: 0.4))
            var t = Self.randomInstant(&rng)
            for _ in 0..<15 {
                guard let fire = schedule.next(after: t) else { break }
                #expect(fire > t)
                #expect(schedule.matches(fire), "\(schedule) at \(show(fire))")
                #expect(fire.timeIntervalSince1970.truncatingRemainder(dividingBy: 60) == 0)
                t = fire
            }
        }
    }

    /// Hand-written civil-date math agrees with Foundation (post-1582 dates,
    /// where Foundation's calendar is Gregorian).
    @Test func civilDateAgreesWithFoundation() {
        var rng = SplitMix64(seed: 99)
        let low = CivilDate.days(year: 1600, month: 1, day: 1)
        let high = CivilDate.days(year: 9999, month: 12, day: 31)
        for _ in 0..<2000 {
            let day = Int64.random(in: low...high, using: &rng)
            let date = Date(timeIntervalSince1970: Double(day * 86_400))
            let c = utcCalendar.dateComponents([.year, .month, .day, .weekday], from: date)
            let civil = CivilDate.civil(fromDays: day)
            #expect(civil.year == Int64(c.year!) && civil.month == c.month! && civil.day == c.day!)
            #expect(CivilDate.weekday(fromDays: day) == c.weekday! - 1)
            #expect(CivilDate.days(year: civil.year, month: civil.month, day: civil.day) == day)
        }
    }
}
