import Foundation

/// A TTL as Vault accepts it: an integer number of seconds (`3600`, `"3600"`) or a Go-style
/// duration string (`"1h"`, `"90m"`, `"1h30m"`, `"45s"`, `"2d"` is not Go but Vault accepts `d`).
package struct VaultDuration: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    package var seconds: Int64

    package init(seconds: Int64) { self.seconds = seconds }

    package static let zero = VaultDuration(seconds: 0)

    /// The longest duration Vault accepts: Go's `time.Duration` (int64 nanoseconds) tops out at
    /// about 292 years. Anything longer is refused as Vault refuses it, so no later arithmetic on
    /// a client-chosen duration can overflow.
    package static let maximum = VaultDuration(seconds: Int64.max / 1_000_000_000)

    package static func < (a: VaultDuration, b: VaultDuration) -> Bool { a.seconds < b.seconds }

    package struct ParseError: Error, Sendable, CustomStringConvertible {
        package var input: String
        package var description: String { "invalid duration \"\(input)\"" }
    }

    package init(parsing text: String) throws(ParseError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { self.seconds = 0; return }
        if let whole = Int64(trimmed) {
            guard whole >= 0, whole <= Self.maximum.seconds else { throw ParseError(input: text) }
            self.seconds = whole
            return
        }
        var total: Double = 0
        var number = ""
        var unit = ""
        var parts: [(Double, String)] = []
        func flush() throws(ParseError) {
            guard let value = Double(number), !unit.isEmpty else { throw ParseError(input: text) }
            parts.append((value, unit))
            number = ""; unit = ""
        }
        for ch in trimmed {
            if ch.isNumber || ch == "." {
                if !unit.isEmpty { try flush() }
                number.append(ch)
            } else if ch.isLetter || ch == "µ" {
                guard !number.isEmpty else { throw ParseError(input: text) }
                unit.append(ch)
            } else {
                throw ParseError(input: text)
            }
        }
        if !number.isEmpty || !unit.isEmpty { try flush() }
        for (value, unit) in parts {
            let scale: Double
            switch unit {
            case "ns": scale = 1e-9
            case "us", "µs": scale = 1e-6
            case "ms": scale = 1e-3
            case "s": scale = 1
            case "m": scale = 60
            case "h": scale = 3600
            case "d": scale = 86400
            default: throw ParseError(input: text)
            }
            total += value * scale
        }
        guard total.isFinite, total >= 0, total <= Double(Self.maximum.seconds) else { throw ParseError(input: text) }
        self.seconds = Int64(total.rounded(.down))
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let i = try? container.decode(Int64.self) {
            self.seconds = try Self.checked(i, container)
        } else if let d = try? container.decode(Double.self) {
            // Range-checked before converting: Int64(_:) traps on NaN, infinities and |d| >= 2^63.
            guard d.isFinite, d.rounded(.towardZero) == d, let whole = Int64(exactly: d) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "a duration in seconds must be a whole number, or a string such as \"1h\"")
            }
            self.seconds = try Self.checked(whole, container)
        } else if let s = try? container.decode(String.self) {
            do { self = try VaultDuration(parsing: s) } catch {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
            }
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected a duration such as \"1h\" or a number of seconds")
        }
    }

    private static func checked(_ seconds: Int64, _ container: any SingleValueDecodingContainer) throws -> Int64 {
        guard seconds >= 0 else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "cannot provide negative value '\(seconds)'")
        }
        guard seconds <= maximum.seconds else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "the duration is longer than Vault's maximum (about 292 years)")
        }
        return seconds
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(seconds)
    }

    /// Vault's human form: `768h`, `1h30m`, `45s`, `0s`.
    package var description: String {
        if seconds == 0 { return "0s" }
        var rest = seconds
        var out = ""
        let h = rest / 3600; rest %= 3600
        let m = rest / 60; rest %= 60
        if h > 0 { out += "\(h)h" }
        if m > 0 { out += "\(m)m" }
        if rest > 0 { out += "\(rest)s" }
        return out
    }
}
