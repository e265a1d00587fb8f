import Foundation
import Testing
@testable import CustosCore

/// `timestamp FORMAT` with Go reference-time layouts. The expected strings are
/// what Go's `time.Time.Format` prints for the same instant and zone.
@Suite("timestamp")
struct TimestampTests {
    private static let mst = UsernameTemplate.Zone(name: "MST", offsetSeconds: -7 * 3600)
    private static let ist = UsernameTemplate.Zone(name: "IST", offsetSeconds: 5 * 3600 + 1800)

    private func stamp(
        _ layout: String, at interval: TimeInterval = 1_234_567_890, zone: UsernameTemplate.Zone = .utc
    ) throws -> String {
        let context = Fixtures.context(now: Date(timeIntervalSince1970: interval), zone: zone)
        return try render("{{ timestamp `\(layout)` }}", context)
    }

    @Test("Go's predefined layouts at the docs' instant (Friday 2009-02-13 23:31:30 UTC)", arguments: [
        ("2006-01-02T15:04:05Z07:00", "2009-02-13T23:31:30Z"),  // RFC3339
        ("Mon Jan _2 15:04:05 2006", "Fri Feb 13 23:31:30 2009"),  // ANSIC
        ("Mon Jan _2 15:04:05 MST 2006", "Fri Feb 13 23:31:30 UTC 2009"),  // UnixDate
        ("Mon Jan 02 15:04:05 -0700 2006", "Fri Feb 13 23:31:30 +0000 2009"),  // RubyDate
        ("02 Jan 06 15:04 MST", "13 Feb 09 23:31 UTC"),  // RFC822
        ("Monday, 02-Jan-06 15:04:05 MST", "Friday, 13-Feb-09 23:31:30 UTC"),  // RFC850
        ("Mon, 02 Jan 2006 15:04:05 -0700", "Fri, 13 Feb 2009 23:31:30 +0000"),  // RFC1123Z
        ("3:04PM", "11:31PM"),  // Kitchen
        ("2006-01-02 15:04:05", "2009-02-13 23:31:30"),  // DateTime
        ("January 2, 2006", "February 13, 2009"),
        ("002 __2", "044  44"),
        ("03:04:05 pm", "11:31:30 pm"),
        ("20060102150405", "20090213233130"),
        ("2006_01_02T15_04_05Z", "2009_02_13T23_31_30Z"),  // the docs' layout
        ("_2006", "_2009"),
    ])
    func predefinedLayouts(layout: String, expected: String) throws {
        #expect(try stamp(layout) == expected)
    }

    @Test("text that is not a layout element is copied, following Go's chunking rules", arguments: [
        ("Month", "Month"),  // "Mon" followed by a lower-case letter is not a weekday
        ("Jane", "Jane"),
        ("v1", "v2"),  // a lone 1 is the month
        ("x4y5", "x31y30"),  // lone 4 and 5 are minute and second
        ("PM", "PM"),
        ("user-", "user-"),
        ("", ""),
    ])
    func literals(layout: String, expected: String) throws {
        #expect(try stamp(layout) == expected)
    }

    @Test("zones and offsets")
    func zones() throws {
        #expect(try stamp("2006-01-02T15:04:05Z07:00", zone: Self.mst) == "2009-02-13T16:31:30-07:00")
        #expect(try stamp("15:04 MST -0700 -07 -07:00:00 -070000", zone: Self.mst) == "16:31 MST -0700 -07 -07:00:00 -070000")
        #expect(try stamp("Z0700 Z07:00 Z07 Z070000 Z07:00:00", zone: Self.ist) == "+0530 +05:30 +05 +053000 +05:30:00")
        #expect(try stamp("Z0700 Z07:00 Z07 -0700 -07:00", zone: .utc) == "Z Z Z +0000 +00:00")
        #expect(try stamp("MST", zone: .init(name: "", offsetSeconds: 5 * 3600 + 1800)) == "+0530")
        // Crossing midnight: 23:31 UTC is 05:01 the next day in IST.
        #expect(try stamp("Mon 2006-01-02 15:04", zone: Self.ist) == "Sat 2009-02-14 05:01")
    }

    @Test("fractional seconds")
    func fractions() throws {
        let instant = 1_234_567_890.123
        #expect(try stamp("05.000", at: instant) == "30.123")
        #expect(try stamp("05,000", at: instant) == "30,123")
        #expect(try stamp("05.000000000", at: instant) == "30.123000000")
        #expect(try stamp("05.999999", at: instant) == "30.123")
        #expect(try stamp("05.9", at: 1_234_567_890.1) == "30.1")
        #expect(try stamp("05.999", at: 1_234_567_890) == "30")
        #expect(try stamp("05.000", at: 1_234_567_890) == "30.000")
        #expect(try stamp("05.0001", at: instant) == "30.0002")  // a run followed by a digit is no fraction: ".00" then "01" (month)
        #expect(try stamp("2006-01-02T15:04:05.000Z", at: instant) == "2009-02-13T23:31:30.123Z")  // Vault's test layout
    }

    @Test("calendar edge cases")
    func calendar() throws {
        #expect(try stamp("Monday 2006-01-02 002", at: 1_709_208_309) == "Thursday 2024-02-29 060")  // leap day
        #expect(try stamp("3:04:05 PM", at: 1_709_208_309) == "12:05:09 PM")  // noon is 12 PM
        #expect(try stamp("3 PM", at: 0) == "12 AM")  // midnight is 12 AM
        #expect(try stamp("Monday 2006-01-02 002", at: -2_203_891_200) == "Thursday 1900-03-01 060")
        #expect(try stamp("2006-01-02 15:04:05", at: -1) == "1969-12-31 23:59:59")
        #expect(try stamp("Jan _2 1/2/06", at: 978_652_800) == "Jan  5 1/5/01")
        #expect(try stamp("002", at: 1_735_603_200) == "366")  // 2024-12-31
    }
}
