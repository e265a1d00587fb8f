import CustosCore
import Foundation
@testable import DatabaseEngine

/// Foundation's Gregorian calendar in UTC: an oracle independent of the
/// hand-written civil-date math under test.
let utcCalendar: Calendar = {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    return calendar
}()

/// "yyyy-MM-dd HH:mm" or "yyyy-MM-dd HH:mm:ss" in UTC.
func utc(_ text: String) -> Date {
    let parts = text.split(whereSeparator: { $0 == "-" || $0 == " " || $0 == ":" }).map { Int($0)! }
    let components = DateComponents(
        year: parts[0], month: parts[1], day: parts[2],
        hour: parts[3], minute: parts[4], second: parts.count > 5 ? parts[5] : 0)
    return utcCalendar.date(from: components)!
}

/// Formats as "yyyy-MM-dd HH:mm" in UTC (readable test failures), "nil" for nil.
func show(_ date: Date?) -> String {
    guard let date else { return "nil" }
    let c = utcCalendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
    func pad(_ n: Int?, _ width: Int = 2) -> String {
        let s = String(n!)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }
    return "\(pad(c.year, 4))-\(pad(c.month))-\(pad(c.day)) \(pad(c.hour)):\(pad(c.minute))"
}

func cron(_ text: String) -> CronSchedule {
    do { return try CronSchedule(text) } catch { fatalError("\(text): \(error)") }
}

/// The message a parse failure carries, or nil if it parsed.
func parseFailure(_ text: String) -> String? {
    do {
        _ = try CronSchedule(text)
        return nil
    } catch {
        return error.message
    }
}

/// Reference evaluation: calendar fields from Foundation, selection from the
/// schedule's parsed bit sets, cron's AND/OR day rule written out again.
enum Oracle {
    static func dayMatches(_ s: CronSchedule, _ day: DateComponents) -> Bool {
        guard s.months.bits & (1 << UInt64(day.month!)) != 0 else { return false }
        let dom = s.daysOfMonth.bits & (1 << UInt64(day.day!)) != 0
        let dow = s.daysOfWeek.bits & (1 << UInt64(day.weekday! - 1)) != 0
        return (s.daysOfMonth.isStar || s.daysOfWeek.isStar) ? (dom && dow) : (dom || dow)
    }

    static func timeMatches(_ s: CronSchedule, minuteOfDay: Int) -> Bool {
        s.hours.bits & (1 << UInt64(minuteOfDay / 60)) != 0
            && s.minutes.bits & (1 << UInt64(minuteOfDay % 60)) != 0
    }

    /// Minute-by-minute scan of `minutes` minutes after `date`.
    static func scanMinutes(_ s: CronSchedule, after date: Date, minutes: Int) -> Date? {
        var minute = Int64((date.timeIntervalSince1970 / 60).rounded(.down)) + 1
        var dayCache: (Int64, Bool)?
        for _ in 0..<minutes {
            let day = Int64((Double(minute) / 1440).rounded(.down))
            if dayCache?.0 != day {
                let start = Date(timeIntervalSince1970: Double(day * 86_400))
                let c = utcCalendar.dateComponents([.month, .day, .weekday], from: start)
                dayCache = (day, dayMatches(s, c))
            }
            if dayCache!.1, timeMatches(s, minuteOfDay: Int(minute - day * 1440)) {
                return Date(timeIntervalSince1970: Double(minute * 60))
            }
            minute += 1
        }
        return nil
    }

    /// Day-by-day scan (Foundation calendar arithmetic) through the end of
    /// the start year + `years`, then minute scan within the first matching day.
    static func scanDays(_ s: CronSchedule, after date: Date, years: Int) -> Date? {
        let first = Date(timeIntervalSince1970: ((date.timeIntervalSince1970 / 60).rounded(.down) + 1) * 60)
        let startYear = utcCalendar.component(.year, from: first)
        var day = utcCalendar.startOfDay(for: first)
        var fromMinute = Int(first.timeIntervalSince(day) / 60)
        while utcCalendar.component(.year, from: day) <= startYear + years {
            let c = utcCalendar.dateComponents([.month, .day, .weekday], from: day)
            if dayMatches(s, c) {
                for m in fromMinute..<1440 where timeMatches(s, minuteOfDay: m) {
                    return day.addingTimeInterval(Double(m * 60))
                }
            }
            day = utcCalendar.date(byAdding: .day, value: 1, to: day)!
            fromMinute = 0
        }
        return nil
    }
}
