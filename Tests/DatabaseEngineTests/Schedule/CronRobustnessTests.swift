import CustosCore
import Foundation
import SeededRandom
import Testing
@testable import DatabaseEngine

/// Arbitrary input must either parse or throw, and evaluation must stay fast.
@Suite("Cron robustness (seeded)")
struct CronRobustnessTests {
    private static let alphabet: [Character] = Array(
        "0123456789012345678901234567890123456789*/-,?@  \t\nJANFEBMONSUNjanmonsatTZ=UTCevry+."
    ) + ["é", "７", "🙂", "\u{301}", "\u{A0}", "\u{0}", "-"]

    /// Exercises a schedule that parsed: evaluation must be bounded and sane.
    private static func exercise(_ schedule: CronSchedule, _ rng: inout SplitMix64) {
        let start = Date(timeIntervalSince1970: Double.random(in: -3e9..<5e9, using: &rng).rounded(.down))
        if let fire = schedule.next(after: start) {
            #expect(fire > start)
            #expect(schedule.matches(fire))
        }
    }

    @Test func randomStringsNeverCrashAndFinishFast() {
        var rng = SplitMix64(seed: 2024)
        var parsed = 0
        let elapsed = ContinuousClock().measure {
            for _ in 0..<20_000 {
                let length = Int.random(in: 0...24, using: &rng)
                let text = String((0..<length).map { _ in Self.alphabet.randomElement(using: &rng)! })
                guard let schedule = try? CronSchedule(text) else { continue }
                parsed += 1
                Self.exercise(schedule, &rng)
            }
        }
        #expect(elapsed < .seconds(20))
        _ = parsed
    }

    /// Single-character mutations of valid expressions: near-valid inputs are
    /// where a parser is most likely to slip.
    @Test func mutatedExpressionsNeverCrash() {
        var rng = SplitMix64(seed: 77)
        var generator = ExpressionGenerator(rng: SplitMix64(seed: 78))
        var parsed = 0
        let elapsed = ContinuousClock().measure {
            for _ in 0..<10_000 {
                var chars = Array(generator.expression(starBias: 0.3))
                let position = Int.random(in: 0...chars.count, using: &rng)
                let replacement = Self.alphabet.randomElement(using: &rng)!
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: chars.insert(replacement, at: position)
                case 1 where position < chars.count: chars[position] = replacement
                default: if position < chars.count { chars.remove(at: position) }
                }
                do throws(ScheduleError) {
                    let schedule = try CronSchedule(String(chars))
                    parsed += 1
                    Self.exercise(schedule, &rng)
                } catch {
                    #expect(!error.message.isEmpty)
                }
            }
        }
        #expect(parsed > 0)
        #expect(elapsed < .seconds(20))
    }

    @Test func hostileNumbersAreRejectedNotTrapped() {
        for text in [
            "*/18446744073709551616 * * * *", "*/9223372036854775807 * * * *",
            "0-9223372036854775807 * * * *", "9223372036854775807-1 * * * *",
            "* * * * 9223372036854775807/1", String(repeating: "9", count: 500) + " * * * *",
            String(repeating: "*,", count: 5000) + "* * * * *",
        ] {
            _ = parseFailure(text)
        }
        // A huge step is valid and selects only the range start.
        #expect(parseFailure("*/9223372036854775807 * * * *") == nil)
        #expect(parseFailure("*/9223372036854775808 * * * *") != nil)
    }
}
