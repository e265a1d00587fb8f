package import Foundation

/// RFC 3339 in UTC with milliseconds (`2026-12-06T22:17:34.123Z`), as Vault prints token, lease and
/// key times. Hand-written because `lookup-self` runs it on every call and an
/// `ISO8601DateFormatter` costs an ICU set-up each time; rounds to the nearest millisecond, as that
/// formatter does.
package enum TimestampFormat {
    package static func milliseconds(_ date: Date) -> String {
        guard date.timeIntervalSince1970.isFinite else { return milliseconds(Date(timeIntervalSince1970: 0)) }
        let totalMilliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.toNearestOrAwayFromZero)
            .clamped(to: -8.0e15...8.0e15))
        let seconds = GoTimeLayout.floorDiv(totalMilliseconds, 1000)
        let milliseconds = Int(totalMilliseconds - seconds * 1000)
        let days = GoTimeLayout.floorDiv(seconds, 86_400)
        let secondOfDay = Int(seconds - days * 86_400)
        let date = CivilDate(daysSinceEpoch: days)
        let pad = GoTimeLayout.padded
        return "\(pad(date.year, 4))-\(pad(date.month, 2))-\(pad(date.day, 2))T"
            + "\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2))"
            + ".\(pad(milliseconds, 3))Z"
    }
}

extension Comparable {
    fileprivate func clamped(to range: ClosedRange<Self>) -> Self {
        min(max(self, range.lowerBound), range.upperBound)
    }
}
