import Foundation

/// Durations as Vault writes and reads them: `1h`, `768h`, `1h30m`, `30s`; plain numbers are seconds.
enum DurationFormat {
    /// Go's `time.Duration.String()` for whole seconds, with Vault's trimming of `0m`/`0s` tails.
    static func format(seconds: Int) -> String {
        if seconds == 0 { return "0s" }
        let sign = seconds < 0 ? "-" : ""
        let total = abs(seconds)
        let hours = total / 3600
        let minutes = (total % 3600) / 60
        let secs = total % 60
        var text: String
        if hours > 0 {
            text = "\(hours)h\(minutes)m\(secs)s"
        } else if minutes > 0 {
            text = "\(minutes)m\(secs)s"
        } else {
            text = "\(secs)s"
        }
        if text.hasSuffix("m0s") { text.removeLast(2) }
        if let range = text.range(of: "h0m") {
            text.replaceSubrange(range, with: "h")
        }
        return sign + text
    }

    /// Parses `3600`, `90m`, `1h30m`, `1.5h`, `10s`, `2d` into seconds; nil when malformed.
    static func parseSeconds(_ text: String) -> Int? {
        if let plain = Int(text) { return plain }
        var total = 0.0
        var number = ""
        var sawUnit = false
        for character in text {
            if character.isNumber || character == "." {
                number.append(character)
                continue
            }
            let factor: Double
            switch character {
            case "s": factor = 1
            case "m": factor = 60
            case "h": factor = 3600
            case "d": factor = 86400
            default: return nil
            }
            guard let value = Double(number) else { return nil }
            total += value * factor
            number = ""
            sawUnit = true
        }
        // Range-checked first: Int(_:) traps on a huge product such as `99999999999999999999h`.
        guard number.isEmpty, sawUnit, total.isFinite, total < 9.2e18 else { return nil }
        return Int(total)
    }
}
