/// Go's `time.Time.Format` for Vault's `timestamp FORMAT` function: layouts are
/// written as the reference time `Mon Jan 2 15:04:05 MST 2006`. The chunking
/// follows `nextStdChunk` in Go's time/format.go, so odd layouts (a stray `1`
/// is the month, `Month` is not `Mon`+`th`) come out the same as in Vault.
enum GoTimeLayout {
    enum Element: Equatable {
        case longMonth, month, numMonth, zeroMonth
        case longWeekDay, weekDay
        case day, underDay, zeroDay, underYearDay, zeroYearDay
        case hour, hour12, zeroHour12, minute, zeroMinute, second, zeroSecond
        case longYear, year
        case pm, lowerPM
        case zoneName
        /// Numeric offsets; `z` = print "Z" for UTC, `colons`, `seconds`, `short` = hours only.
        case offset(z: Bool, colons: Bool, seconds: Bool, short: Bool)
        /// `.000`/`,999`: `digits` places, `trim` drops trailing zeros (the 9 form).
        case fraction(digits: Int, trim: Bool, separator: UInt8)
    }

    /// Finds the first layout element at or after `start`: (where it begins, what it is, where it ends).
    static func nextElement(_ layout: [UInt8], from start: Int) -> (Int, Element, Int)? {
        func has(_ text: String, at index: Int) -> Bool {
            let bytes = Array(text.utf8)
            guard index + bytes.count <= layout.count else { return false }
            return layout[index..<(index + bytes.count)].elementsEqual(bytes)
        }
        func startsLower(_ index: Int) -> Bool {
            index < layout.count && layout[index] >= UInt8(ascii: "a") && layout[index] <= UInt8(ascii: "z")
        }
        var i = start
        while i < layout.count {
            switch layout[i] {
            case UInt8(ascii: "J"):
                if has("January", at: i) { return (i, .longMonth, i + 7) }
                if has("Jan", at: i), !startsLower(i + 3) { return (i, .month, i + 3) }
            case UInt8(ascii: "M"):
                if has("Monday", at: i) { return (i, .longWeekDay, i + 6) }
                if has("Mon", at: i), !startsLower(i + 3) { return (i, .weekDay, i + 3) }
                if has("MST", at: i) { return (i, .zoneName, i + 3) }
            case UInt8(ascii: "0"):
                if i + 1 < layout.count, layout[i + 1] >= UInt8(ascii: "1"), layout[i + 1] <= UInt8(ascii: "6") {
                    let table: [Element] = [.zeroMonth, .zeroDay, .zeroHour12, .zeroMinute, .zeroSecond, .year]
                    return (i, table[Int(layout[i + 1] - UInt8(ascii: "1"))], i + 2)
                }
                if has("002", at: i) { return (i, .zeroYearDay, i + 3) }
            case UInt8(ascii: "1"):
                if has("15", at: i) { return (i, .hour, i + 2) }
                return (i, .numMonth, i + 1)
            case UInt8(ascii: "2"):
                if has("2006", at: i) { return (i, .longYear, i + 4) }
                return (i, .day, i + 1)
            case UInt8(ascii: "_"):
                // "_2006" is a literal underscore followed by the year.
                if has("_2006", at: i) { return (i + 1, .longYear, i + 5) }
                if has("_2", at: i) { return (i, .underDay, i + 2) }
                if has("__2", at: i) { return (i, .underYearDay, i + 3) }
            case UInt8(ascii: "3"): return (i, .hour12, i + 1)
            case UInt8(ascii: "4"): return (i, .minute, i + 1)
            case UInt8(ascii: "5"): return (i, .second, i + 1)
            case UInt8(ascii: "P"):
                if has("PM", at: i) { return (i, .pm, i + 2) }
            case UInt8(ascii: "p"):
                if has("pm", at: i) { return (i, .lowerPM, i + 2) }
            case UInt8(ascii: "-"), UInt8(ascii: "Z"):
                let z = layout[i] == UInt8(ascii: "Z")
                let sign = z ? "Z" : "-"
                if has(sign + "070000", at: i) { return (i, .offset(z: z, colons: false, seconds: true, short: false), i + 7) }
                if has(sign + "07:00:00", at: i) { return (i, .offset(z: z, colons: true, seconds: true, short: false), i + 9) }
                if has(sign + "0700", at: i) { return (i, .offset(z: z, colons: false, seconds: false, short: false), i + 5) }
                if has(sign + "07:00", at: i) { return (i, .offset(z: z, colons: true, seconds: false, short: false), i + 6) }
                if has(sign + "07", at: i) { return (i, .offset(z: z, colons: false, seconds: false, short: true), i + 3) }
            case UInt8(ascii: "."), UInt8(ascii: ","):
                if i + 1 < layout.count, layout[i + 1] == UInt8(ascii: "0") || layout[i + 1] == UInt8(ascii: "9") {
                    let digit = layout[i + 1]
                    var j = i + 1
                    while j < layout.count, layout[j] == digit { j += 1 }
                    // Only a run of digits that ends here is a fractional second.
                    if !(j < layout.count && CharClass.isDigit(layout[j])) {
                        return (i, .fraction(digits: j - (i + 1), trim: digit == UInt8(ascii: "9"), separator: layout[i]), j)
                    }
                }
            default:
                break
            }
            i += 1
        }
        return nil
    }

    static func format(_ layoutText: String, clock: ClockReading, zone: UsernameTemplate.Zone) -> String {
        let layout = Array(layoutText.utf8)
        let local = clock.seconds + Int64(zone.offsetSeconds)
        let days = floorDiv(local, 86_400)
        let secondOfDay = Int(local - days * 86_400)
        let date = CivilDate(daysSinceEpoch: days)
        let hour = secondOfDay / 3600, minute = secondOfDay / 60 % 60, second = secondOfDay % 60

        var out: [UInt8] = []
        var position = 0
        while position < layout.count {
            guard let (start, element, end) = nextElement(layout, from: position) else {
                out.append(contentsOf: layout[position...])
                break
            }
            out.append(contentsOf: layout[position..<start])
            position = end
            func put(_ text: String) { out.append(contentsOf: Array(text.utf8)) }
            func num(_ value: Int, _ width: Int) { put(padded(value, width)) }
            switch element {
            case .longYear: num(date.year, 4)
            case .year: num(abs(date.year) % 100, 2)
            case .longMonth: put(monthNames[date.month - 1])
            case .month: put(String(monthNames[date.month - 1].prefix(3)))
            case .numMonth: num(date.month, 0)
            case .zeroMonth: num(date.month, 2)
            case .longWeekDay: put(dayNames[date.weekday])
            case .weekDay: put(String(dayNames[date.weekday].prefix(3)))
            case .day: num(date.day, 0)
            case .underDay: put((date.day < 10 ? " " : "") + String(date.day))
            case .zeroDay: num(date.day, 2)
            case .underYearDay: put(String(repeating: " ", count: date.yearDay < 10 ? 2 : date.yearDay < 100 ? 1 : 0) + String(date.yearDay))
            case .zeroYearDay: num(date.yearDay, 3)
            case .hour: num(hour, 2)
            case .hour12: num(hour % 12 == 0 ? 12 : hour % 12, 0)
            case .zeroHour12: num(hour % 12 == 0 ? 12 : hour % 12, 2)
            case .minute: num(minute, 0)
            case .zeroMinute: num(minute, 2)
            case .second: num(second, 0)
            case .zeroSecond: num(second, 2)
            case .pm: put(hour >= 12 ? "PM" : "AM")
            case .lowerPM: put(hour >= 12 ? "pm" : "am")
            case .zoneName:
                if zone.name.isEmpty {
                    put(offsetText(zone.offsetSeconds, colons: false, seconds: false, short: false))
                } else {
                    put(zone.name)
                }
            case .offset(let z, let colons, let seconds, let short):
                if z, zone.offsetSeconds == 0 {
                    put("Z")
                } else {
                    put(offsetText(zone.offsetSeconds, colons: colons, seconds: seconds, short: short))
                }
            case .fraction(let digits, let trim, let separator):
                out.append(contentsOf: fraction(clock.nanoseconds, digits: digits, trim: trim, separator: separator))
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: Pieces

    private static let monthNames = [
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ]
    private static let dayNames = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]

    /// Go's `appendInt`: sign, then zero-padded to `width` digits.
    static func padded(_ value: Int, _ width: Int) -> String {
        let digits = String(value.magnitude)
        let zeros = String(repeating: "0", count: max(0, width - digits.count))
        return (value < 0 ? "-" : "") + zeros + digits
    }

    private static func offsetText(_ offset: Int, colons: Bool, seconds: Bool, short: Bool) -> String {
        let minutes = offset / 60
        var text = minutes < 0 ? "-" : "+"
        text += padded(abs(minutes) / 60, 2)
        if colons { text += ":" }
        if !short { text += padded(abs(minutes) % 60, 2) }
        if seconds {
            if colons { text += ":" }
            text += padded(abs(offset) % 60, 2)
        }
        return text
    }

    /// Go's `appendNano`: at most 9 places; the `9` form trims trailing zeros
    /// and prints nothing at all for a whole second.
    private static func fraction(_ nanoseconds: Int, digits: Int, trim: Bool, separator: UInt8) -> [UInt8] {
        if trim, digits == 0 || nanoseconds == 0 { return [] }
        var text = Array(padded(nanoseconds, 9).utf8)
        if digits < 9 { text.removeLast(9 - digits) }
        if trim {
            while text.last == UInt8(ascii: "0") { text.removeLast() }
            if text.isEmpty { return [] }
        }
        return [separator] + text
    }

    static func floorDiv(_ value: Int64, _ divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return value % divisor < 0 ? quotient - 1 : quotient
    }
}

/// Proleptic Gregorian calendar date for a day count since 1970-01-01
/// (Howard Hinnant's `civil_from_days`).
struct CivilDate: Equatable {
    var year: Int
    var month: Int
    var day: Int
    /// 1-based day of the year.
    var yearDay: Int
    /// 0 = Sunday, as Go's `time.Weekday`.
    var weekday: Int

    init(daysSinceEpoch days: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYearMarch = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYearMarch + 2) / 153
        day = Int(dayOfYearMarch - (153 * monthIndex + 2) / 5 + 1)
        month = Int(monthIndex < 10 ? monthIndex + 3 : monthIndex - 9)
        year = Int(yearOfEra + era * 400 + (month <= 2 ? 1 : 0))
        let isLeap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let cumulative = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334]
        yearDay = cumulative[month - 1] + day + (isLeap && month > 2 ? 1 : 0)
        weekday = Int(((days % 7) + 7 + 4) % 7)
    }
}
