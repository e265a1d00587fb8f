/// One cron field's accepted values, mirroring robfig/cron v3's `bounds`.
struct CronFieldBounds: Sendable {
    /// Smallest value a field may name.
    let min: UInt64
    /// Largest value an explicit number may name (7 for day-of-week, which is
    /// folded onto Sunday; robfig itself stops at 6).
    let max: UInt64
    /// Upper end used by `*` and by `N/step` ("N through the end"). Kept at 6
    /// for day-of-week so `*/2` and `1/2` mean exactly what they do in Vault.
    let starMax: UInt64
    /// Lower-case names (`jan`, `mon`) accepted in place of numbers.
    let names: [String: UInt64]

    static let minute = CronFieldBounds(min: 0, max: 59, starMax: 59, names: [:])
    static let hour = CronFieldBounds(min: 0, max: 23, starMax: 23, names: [:])
    static let dayOfMonth = CronFieldBounds(min: 1, max: 31, starMax: 31, names: [:])
    static let month = CronFieldBounds(min: 1, max: 12, starMax: 12, names: [
        "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
        "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
    ])
    static let dayOfWeek = CronFieldBounds(min: 0, max: 7, starMax: 6, names: [
        "sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6,
    ])

    /// Every value of the field, as `*` would select.
    var all: UInt64 { CronField.bits(from: min, through: starMax, step: 1) }
}

/// A parsed field: the selected values as a bit set (bit N = value N), plus
/// whether it was written with a bare `*`/`?`, which drives cron's
/// day-of-month / day-of-week AND-vs-OR rule.
struct CronField: Sendable, Hashable {
    var bits: UInt64
    var isStar: Bool

    /// Parses `list = range {"," range}` the way robfig/cron v3's `getField`
    /// does, including its quirks (`?` means `*`, `*/1` still counts as a star,
    /// `*/2` does not, empty list items are skipped).
    static func parse(_ text: Substring, _ bounds: CronFieldBounds) throws(ScheduleError) -> CronField {
        var field = CronField(bits: 0, isStar: false)
        var sawRange = false
        for item in text.split(separator: ",") {
            let range = try parseRange(item, bounds)
            field.bits |= range.bits
            field.isStar = field.isStar || range.isStar
            sawRange = true
        }
        // robfig accepts "," and yields a field that never matches; reject it
        // instead so a role can never be saved with a schedule that never fires.
        guard sawRange else { throw ScheduleError("empty list in field: \(text)") }
        return field
    }

    /// `range = ("*" | "?" | value ["-" value]) ["/" step]`.
    private static func parseRange(_ expr: Substring, _ bounds: CronFieldBounds) throws(ScheduleError) -> CronField {
        let rangeAndStep = expr.split(separator: "/", omittingEmptySubsequences: false)
        let lowAndHigh = rangeAndStep[0].split(separator: "-", omittingEmptySubsequences: false)
        let singleValue = lowAndHigh.count == 1

        var start: UInt64
        var end: UInt64
        var isStar = false
        if lowAndHigh[0] == "*" || lowAndHigh[0] == "?" {
            // Like robfig, anything after "*-" is ignored.
            start = bounds.min
            end = bounds.starMax
            isStar = true
        } else {
            start = try parseValue(lowAndHigh[0], bounds)
            switch lowAndHigh.count {
            case 1: end = start
            case 2: end = try parseValue(lowAndHigh[1], bounds)
            default: throw ScheduleError("too many hyphens: \(expr)")
            }
        }

        var step: UInt64 = 1
        switch rangeAndStep.count {
        case 1:
            break
        case 2:
            step = try parseInt(rangeAndStep[1])
            // "N/step" means "N through the end of the field, every step".
            if singleValue { end = bounds.starMax }
            if step > 1 { isStar = false }
        default:
            throw ScheduleError("too many slashes: \(expr)")
        }

        if start < bounds.min {
            throw ScheduleError("beginning of range (\(start)) below minimum (\(bounds.min)): \(expr)")
        }
        if end > bounds.max {
            throw ScheduleError("end of range (\(end)) above maximum (\(bounds.max)): \(expr)")
        }
        if start > end {
            throw ScheduleError("beginning of range (\(start)) beyond end of range (\(end)): \(expr)")
        }
        if step == 0 {
            throw ScheduleError("step of range should be a positive number: \(expr)")
        }
        return CronField(bits: bits(from: start, through: end, step: step), isStar: isStar)
    }

    /// A name (case-insensitive) or a number.
    private static func parseValue(_ text: Substring, _ bounds: CronFieldBounds) throws(ScheduleError) -> UInt64 {
        if let named = bounds.names[text.lowercased()] { return named }
        return try parseInt(text)
    }

    /// Go's `strconv.Atoi` as robfig uses it: optional `+`, ASCII digits only,
    /// must fit an Int64. A leading `-` never reaches here (it splits ranges).
    static func parseInt(_ text: Substring) throws(ScheduleError) -> UInt64 {
        var digits = text.utf8
        if digits.first == UInt8(ascii: "+") { digits = digits.dropFirst() }
        guard !digits.isEmpty, digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            throw ScheduleError("failed to parse int from \(text): strconv.Atoi: parsing \"\(text)\": invalid syntax")
        }
        var value: UInt64 = 0
        for digit in digits {
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt64(digit - UInt8(ascii: "0")))
            guard !o1, !o2, sum <= UInt64(Int64.max) else {
                throw ScheduleError("failed to parse int from \(text): strconv.Atoi: parsing \"\(text)\": value out of range")
            }
            value = sum
        }
        return value
    }

    /// Bits `start, start+step, ...` up to `end` (all ≤ 63). The step may be
    /// huge (`*/99999`), so advance without overflowing.
    static func bits(from start: UInt64, through end: UInt64, step: UInt64) -> UInt64 {
        var bits: UInt64 = 0
        var value = start
        while value <= end {
            bits |= 1 << value
            guard step <= end - value else { break }
            value += step
        }
        return bits
    }
}
