@testable import CustosCore
import Testing

@Suite("GF(2^8) arithmetic")
struct GaloisField256Tests {
    /// Textbook shift-and-add multiplication modulo 0x11b, with branches; the reference for the
    /// branch-free implementation.
    private func referenceMultiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        var a = UInt16(a)
        var b = b
        var product: UInt16 = 0
        while b != 0 {
            if b & 1 == 1 { product ^= a }
            a <<= 1
            if a & 0x100 != 0 { a ^= 0x11b }
            b >>= 1
        }
        return UInt8(product)
    }

    @Test func multiplicationMatchesFIPS197Examples() {
        #expect(GaloisField256.multiply(0x57, 0x83) == 0xc1)
        #expect(GaloisField256.multiply(0x57, 0x13) == 0xfe)
        #expect(GaloisField256.multiply(0x53, 0xca) == 0x01)
    }

    @Test func multiplicationMatchesTheReferenceForEveryPair() {
        var mismatches = 0
        for a in 0...255 {
            for b in 0...255 where GaloisField256.multiply(UInt8(a), UInt8(b)) != referenceMultiply(UInt8(a), UInt8(b)) {
                mismatches += 1
            }
        }
        #expect(mismatches == 0)
    }

    @Test func everyNonZeroElementHasAnInverse() {
        for a in UInt8(1)...255 {
            #expect(GaloisField256.multiply(a, GaloisField256.inverse(a)) == 1)
        }
        #expect(GaloisField256.inverse(0) == 0)
        #expect(GaloisField256.divide(GaloisField256.multiply(0x57, 0x83), 0x83) == 0x57)
    }
}
