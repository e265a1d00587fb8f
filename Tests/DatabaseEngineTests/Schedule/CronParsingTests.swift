import Testing
@testable import DatabaseEngine

/// Bit set with the given values, for comparing parsed fields.
private func bits(_ values: [Int]) -> UInt64 {
    values.reduce(0) { $0 | (1 << UInt64($1)) }
}

private func bits(_ values: StrideTo<Int>) -> UInt64 { bits(Array(values)) }

@Suite("Cron parsing")
struct CronParsingTests {
    @Test(arguments: [
        "* * * * *", "0 0 * * *", "*/15 * * * *", "1-30/5 2,4,6 * * *",
        "0 0 1 JAN *", "0 0 * * MON-FRI", "0 0 * * mon,wed,Fri", "0 0 * jan-DEC sun",
        "0 0 * * 7", "0 0 * * 0", "0 0 * * 5-7", "0 0 ? * 1", "5/20 * * * *",
        "0 0 29 2 *", "0 0 30 2 *", "59 23 31 12 6", "0 9-17/4 * * 1-5",
        "@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly",
        "TZ=UTC 0 0 * * *", "CRON_TZ=Etc/UTC @daily", "  0\t0 *\n* *  ", "+5 * * * *",
        "1,,2 * * * *", "*-5 * * * *",
    ])
    func validExpressionsParse(_ text: String) {
        #expect(parseFailure(text) == nil)
    }

    @Test(arguments: [
        ("", "empty spec string"),
        ("   ", "empty spec string"),
        ("foo", "expected exactly 5 fields, found 1: [foo]"),
        ("* * * *", "expected exactly 5 fields, found 4: [* * * *]"),
        ("0 * * * * *", "expected exactly 5 fields, found 6: [0 * * * * *]"),
        ("60 * * * *", "end of range (60) above maximum (59): 60"),
        ("* 24 * * *", "end of range (24) above maximum (23): 24"),
        ("* * 0 * *", "beginning of range (0) below minimum (1): 0"),
        ("* * 32 * *", "end of range (32) above maximum (31): 32"),
        ("* * * 0 *", "beginning of range (0) below minimum (1): 0"),
        ("* * * 13 *", "end of range (13) above maximum (12): 13"),
        ("* * * * 8", "end of range (8) above maximum (7): 8"),
        ("* * * * 7/2", "beginning of range (7) beyond end of range (6): 7/2"),
        ("5-1 * * * *", "beginning of range (5) beyond end of range (1): 5-1"),
        ("70/5 * * * *", "beginning of range (70) beyond end of range (59): 70/5"),
        ("*/0 * * * *", "step of range should be a positive number: */0"),
        ("1-2-3 * * * *", "too many hyphens: 1-2-3"),
        ("*/2/3 * * * *", "too many slashes: */2/3"),
        ("a * * * *", "failed to parse int from a: strconv.Atoi: parsing \"a\": invalid syntax"),
        ("jan * * * *", "failed to parse int from jan: strconv.Atoi: parsing \"jan\": invalid syntax"),
        ("* * * * monday", "failed to parse int from monday: strconv.Atoi: parsing \"monday\": invalid syntax"),
        ("1- * * * *", "failed to parse int from : strconv.Atoi: parsing \"\": invalid syntax"),
        ("-1 * * * *", "failed to parse int from : strconv.Atoi: parsing \"\": invalid syntax"),
        ("*/ * * * *", "failed to parse int from : strconv.Atoi: parsing \"\": invalid syntax"),
        ("1.5 * * * *", "failed to parse int from 1.5: strconv.Atoi: parsing \"1.5\": invalid syntax"),
        ("99999999999999999999 * * * *",
         "failed to parse int from 99999999999999999999: strconv.Atoi: parsing \"99999999999999999999\": value out of range"),
        (", * * * *", "empty list in field: ,"),
        ("* * * * sat-sun", "beginning of range (6) beyond end of range (0): sat-sun"),
        ("@fortnightly", "unrecognized descriptor: @fortnightly"),
        ("@Daily", "unrecognized descriptor: @Daily"),
        ("@everyday", "unrecognized descriptor: @everyday"),
        ("@daily 0", "unrecognized descriptor: @daily 0"),
        ("@every 1h", "invalid rotation schedule: @every is not supported, use rotation_period"),
        ("TZ=Europe/Paris 0 0 * * *", "provided bad location Europe/Paris: only UTC schedules are supported"),
        ("TZ=UTC", "missing fields after time zone: TZ=UTC"),
    ])
    func invalidExpressionsReportRobfigMessages(_ text: String, _ message: String) {
        #expect(parseFailure(text) == message)
    }

    @Test func typedThrowCarriesMessage() {
        #expect(throws: ScheduleError("empty spec string")) { try CronSchedule("") }
    }

    @Test func stepsRangesAndLists() {
        #expect(cron("*/15 * * * *").minutes.bits == bits([0, 15, 30, 45]))
        #expect(cron("1-30/5 * * * *").minutes.bits == bits(stride(from: 1, to: 31, by: 5)))
        #expect(cron("5/20 * * * *").minutes.bits == bits([5, 25, 45]))
        #expect(cron("0 9-17/4 * * *").hours.bits == bits([9, 13, 17]))
        #expect(cron("1,3,5-7 * * * *").minutes.bits == bits([1, 3, 5, 6, 7]))
        #expect(cron("*/100 * * * *").minutes.bits == bits([0]))
        #expect(cron("* * */10 * *").daysOfMonth.bits == bits([1, 11, 21, 31]))
        #expect(cron("+5 * * * *").minutes.bits == bits([5]))
    }

    @Test func namesAreCaseInsensitive() {
        #expect(cron("0 0 1 JAN-mar *").months.bits == bits([1, 2, 3]))
        #expect(cron("0 0 1 jan,Jul,DEC *").months.bits == bits([1, 7, 12]))
        #expect(cron("0 0 * * mon-FRI").daysOfWeek.bits == bits([1, 2, 3, 4, 5]))
        #expect(cron("0 0 * 2/3 *").months.bits == bits([2, 5, 8, 11]))
        #expect(cron("0 0 * FEB/3 *").months.bits == bits([2, 5, 8, 11]))
    }

    @Test func sevenIsSunday() {
        #expect(cron("0 0 * * 7").daysOfWeek.bits == bits([0]))
        #expect(cron("0 0 * * 5-7").daysOfWeek.bits == bits([0, 5, 6]))
        #expect(cron("0 0 * * FRI-7").daysOfWeek.bits == bits([0, 5, 6]))
        #expect(cron("0 0 * * sun,7").daysOfWeek.bits == bits([0]))
        // `*` and `N/step` stop at 6, exactly as in robfig/Vault.
        #expect(cron("0 0 * * */2").daysOfWeek.bits == bits([0, 2, 4, 6]))
        #expect(cron("0 0 * * 1/2").daysOfWeek.bits == bits([1, 3, 5]))
    }

    @Test func starFlagFollowsRobfig() {
        #expect(cron("* * * * *").daysOfMonth.isStar)
        #expect(cron("* * ? * *").daysOfMonth.isStar)
        #expect(cron("* * */1 * *").daysOfMonth.isStar)
        #expect(cron("* * 1,* * *").daysOfMonth.isStar)
        #expect(!cron("* * */2 * *").daysOfMonth.isStar)
        #expect(!cron("* * 1-31 * *").daysOfMonth.isStar)
    }

    @Test func descriptorsExpand() {
        #expect(cron("@yearly").daysOfMonth.bits == bits([1]))
        #expect(cron("@yearly").months.bits == bits([1]))
        #expect(cron("@annually") .months.bits == bits([1]))
        #expect(cron("@monthly").months.bits == bits(Array(1...12)))
        #expect(cron("@weekly").daysOfWeek.bits == bits([0]))
        #expect(cron("@weekly").daysOfMonth.isStar)
        #expect(cron("@daily").hours.bits == bits([0]))
        #expect(cron("@midnight").minutes.bits == bits([0]))
        #expect(cron("@hourly").hours.bits == bits(Array(0...23)))
        #expect(cron("@hourly").minutes.bits == bits([0]))
    }

    @Test func textIsKeptAndPrefixesAreTransparent() {
        #expect(cron(" 0 0 * * * ").description == " 0 0 * * * ")
        #expect(cron("TZ=UTC 0 12 * * *").hours == cron("0 12 * * *").hours)
        #expect(cron("CRON_TZ=UTC @daily").minutes == cron("@daily").minutes)
    }
}
