import Foundation

/// A listener timeout as Vault reads it (`parseutil.ParseDurationSecond`): a bare number is
/// seconds, anything else a Go duration such as `"10s"`, `"1m30s"`, `"500ms"` or `"1.5h"`.
/// Unlike lease TTLs, sub-second values keep their precision.
enum ListenerDuration {
    /// nil for anything that is not a non-negative duration below ~292 years (Go's maximum).
    static func parse(_ text: String) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return nil }
        if let seconds = Int64(trimmed) {
            return seconds >= 0 && seconds <= maxSeconds ? .seconds(seconds) : nil
        }
        var nanoseconds = 0.0
        var rest = Substring(trimmed)
        while !rest.isEmpty {
            let number = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            rest = rest.dropFirst(number.count)
            let unit = rest.prefix { !($0.isASCII && ($0.isNumber || $0 == ".")) }
            rest = rest.dropFirst(unit.count)
            guard let value = Double(number), value.isFinite, let scale = scales[String(unit)] else { return nil }
            nanoseconds += value * scale
        }
        // Checked before converting: Int64(_:) traps outside its range.
        guard nanoseconds.isFinite, nanoseconds <= Double(maxSeconds) * 1e9 else { return nil }
        return .nanoseconds(Int64(nanoseconds))
    }

    private static let maxSeconds: Int64 = 9_000_000_000
    private static let scales: [String: Double] = [
        "ns": 1, "us": 1e3, "µs": 1e3, "μs": 1e3, "ms": 1e6, "s": 1e9, "m": 60e9, "h": 3600e9, "d": 86400e9,
    ]
}
