import CustosCore
import Testing

@Suite("Shamir secret sharing")
struct ShamirTests {
    private static func randomSecret(_ length: Int = 32) -> [UInt8] {
        (0..<length).map { _ in UInt8.random(in: .min ... .max) }
    }

    /// (shares, threshold) pairs: the edges plus random ones.
    static let parameterPairs: [(Int, Int)] = {
        var pairs = [(1, 1), (2, 2), (3, 2), (5, 3), (5, 5), (10, 7), (255, 2), (255, 255)]
        for _ in 0..<12 {
            let shares = Int.random(in: 2...40)
            pairs.append((shares, Int.random(in: 2...shares)))
        }
        return pairs
    }()

    @Test(arguments: parameterPairs)
    func anyThresholdSubsetRebuildsTheSecretAndOneFewerDoesNot(shares: Int, threshold: Int) throws {
        let secret = Self.randomSecret()
        let parts = try Shamir.split(secret, shares: shares, threshold: threshold)

        #expect(parts.count == shares)
        #expect(parts.allSatisfy { $0.count == secret.count + 1 })
        let xs = parts.map { $0.last! }
        #expect(Set(xs).count == shares)
        #expect(!xs.contains(0))

        for _ in 0..<20 {
            let subset = Array(parts.shuffled().prefix(threshold))
            #expect(try Shamir.combine(subset) == secret)
            if threshold > 1 {
                let tooFew = Array(subset.prefix(threshold - 1))
                #expect(try Shamir.combine(tooFew) != secret)
            }
        }
        // More than the threshold also works.
        #expect(try Shamir.combine(parts) == secret)
    }

    @Test func thresholdOneWithOneShareIsTheSecretPlusAnXByte() throws {
        let secret = Self.randomSecret()
        let parts = try Shamir.split(secret, shares: 1, threshold: 1)
        #expect(parts.count == 1)
        #expect(Array(parts[0].prefix(secret.count)) == secret)
        #expect(parts[0].last != 0)
        #expect(try Shamir.combine(parts) == secret)
    }

    @Test func sharesDontRevealTheSecretBytes() throws {
        // With threshold >= 2 a single share's y bytes are the polynomial at x != 0, not the secret.
        let secret = Self.randomSecret()
        let parts = try Shamir.split(secret, shares: 5, threshold: 3)
        #expect(parts.allSatisfy { Array($0.prefix(secret.count)) != secret })
    }

    @Test(arguments: [
        (0, 0), (1, 0), (2, 1), (3, 1), (2, 3), (256, 2), (300, 300), (-1, 2), (5, 6),
    ])
    func invalidParametersAreRefused(shares: Int, threshold: Int) {
        let error = #expect(throws: ShamirError.self) {
            try Shamir.split(Self.randomSecret(), shares: shares, threshold: threshold)
        }
        #expect(error?.code == .invalidParameters)
    }

    @Test func anEmptySecretIsRefused() {
        let error = #expect(throws: ShamirError.self) { try Shamir.split([], shares: 3, threshold: 2) }
        #expect(error?.code == .invalidParameters)
    }

    @Test func aDuplicateShareIsRefused() throws {
        let parts = try Shamir.split(Self.randomSecret(), shares: 5, threshold: 3)
        let error = #expect(throws: ShamirError.self) { try Shamir.combine([parts[0], parts[1], parts[0]]) }
        #expect(error?.code == .duplicateShare)
    }

    @Test func sharesWithTheSameXButDifferentBytesAreDuplicates() throws {
        let parts = try Shamir.split(Self.randomSecret(), shares: 5, threshold: 3)
        var altered = parts[0]
        altered[0] ^= 0xff
        let error = #expect(throws: ShamirError.self) { try Shamir.combine([parts[0], altered, parts[2]]) }
        #expect(error?.code == .duplicateShare)
    }

    @Test func malformedSharesAreRefused() throws {
        let parts = try Shamir.split(Self.randomSecret(), shares: 3, threshold: 2)
        let unequal = #expect(throws: ShamirError.self) { try Shamir.combine([parts[0], Array(parts[1].dropFirst())]) }
        #expect(unequal?.code == .malformedShare)

        let tooShort = #expect(throws: ShamirError.self) { try Shamir.combine([[7], [8]]) }
        #expect(tooShort?.code == .malformedShare)

        var zeroX = parts[1]
        zeroX[zeroX.count - 1] = 0
        let badX = #expect(throws: ShamirError.self) { try Shamir.combine([parts[0], zeroX]) }
        #expect(badX?.code == .malformedShare)
    }

    @Test func noSharesAreTooFew() {
        let error = #expect(throws: ShamirError.self) { try Shamir.combine([]) }
        #expect(error?.code == .tooFewShares)
    }

    @Test func aGarbledShareRebuildsADifferentSecret() throws {
        let secret = Self.randomSecret()
        let parts = try Shamir.split(secret, shares: 5, threshold: 3)
        for byteIndex in [0, 15, 31] {
            var garbled = parts[2]
            garbled[byteIndex] ^= 0x5a
            let rebuilt = try Shamir.combine([parts[0], parts[1], garbled])
            #expect(rebuilt != secret)
            // Only the garbled byte position is affected (each byte is shared independently).
            #expect(rebuilt.indices.filter { rebuilt[$0] != secret[$0] } == [byteIndex])
        }
    }
}
