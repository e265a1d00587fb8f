@testable import CustosCore
import CustosJSON
import Foundation
import SeededRandom
import Testing

/// The hot path's hand-made hex gives exactly what `String(format:)` gave.
@Suite("hot path formatting")
struct HotPathFormattingTests {
    @Test func hexMatchesFormatSpecifiers() {
        var random = SplitMix64(seed: 9)
        for length in [0, 1, 2, 16, 32, 255] {
            let bytes = (0..<length).map { _ in UInt8.random(in: .min ... .max, using: &random) }
            #expect(Hex.encode(bytes) == bytes.map { String(format: "%02x", $0) }.joined())
        }
    }

    /// The hand-written timestamp gives what `ISO8601DateFormatter` gave, rounding included.
    @Test func timestampsMatchTheFormatter() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var random = SplitMix64(seed: 31)
        var dates = [0, 951_782_400, 1_765_000_000.9996, 1_765_000_000.9994, 4_102_444_799.9999, 1_709_164_800.5]
            .map(Date.init(timeIntervalSince1970:))
        for _ in 0..<2000 {
            dates.append(Date(timeIntervalSince1970: Double.random(in: 0..<4_102_444_800, using: &random)))
        }
        for date in dates {
            #expect(TimestampFormat.milliseconds(date) == formatter.string(from: date), "\(date.timeIntervalSince1970)")
        }
    }
}
