/// Arithmetic in GF(2^8) with the AES reducing polynomial x^8 + x^4 + x^3 + x + 1 (0x11b).
///
/// Constant-time style: no table lookups and no branches on the operands, so the timing of
/// share arithmetic does not depend on secret bytes.
enum GaloisField256 {
    static func add(_ a: UInt8, _ b: UInt8) -> UInt8 { a ^ b }

    static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        var a = a
        var b = b
        var product: UInt8 = 0
        for _ in 0..<8 {
            // mask is 0xFF when the low bit of b is set, else 0.
            product ^= a & (0 &- (b & 1))
            let carry = 0 &- (a >> 7)
            a = (a << 1) ^ (0x1b & carry)
            b >>= 1
        }
        return product
    }

    /// a^254 = a^-1 for a != 0 (the multiplicative group has order 255); 0 maps to 0.
    static func inverse(_ a: UInt8) -> UInt8 {
        // 254 = 0b11111110: the product of a^2, a^4, ..., a^128.
        var power = multiply(a, a)
        var result = power
        for _ in 0..<6 {
            power = multiply(power, power)
            result = multiply(result, power)
        }
        return result
    }

    static func divide(_ a: UInt8, _ b: UInt8) -> UInt8 {
        multiply(a, inverse(b))
    }
}
