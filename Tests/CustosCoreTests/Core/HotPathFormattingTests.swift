@testable import CustosCore
import Foundation
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
}
