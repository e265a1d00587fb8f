/// Shamir's secret sharing over GF(2^8), byte-compatible with Vault's `shamir` package.
///
/// A share is the y value of each byte's polynomial (one byte per secret byte) followed by one
/// x-coordinate byte (1...255, distinct across shares, assigned in random order); a share is
/// therefore one byte longer than the secret. Each secret byte gets its own random polynomial of
/// degree threshold-1 whose constant term is the byte.
package enum Shamir {
    package static func split(_ secret: [UInt8], shares: Int, threshold: Int) throws -> [[UInt8]] {
        var generator = SystemRandomNumberGenerator()
        return try split(secret, shares: shares, threshold: threshold, using: &generator)
    }

    static func split(
        _ secret: [UInt8], shares: Int, threshold: Int, using generator: inout some RandomNumberGenerator
    ) throws(ShamirError) -> [[UInt8]] {
        try validate(secretLength: secret.count, shares: shares, threshold: threshold)

        // Distinct x coordinates 1...255 in random order.
        let xCoordinates = Array((1...255).shuffled(using: &generator).prefix(shares)).map(UInt8.init)

        var output = xCoordinates.map { x -> [UInt8] in
            var share = [UInt8](repeating: 0, count: secret.count + 1)
            share[secret.count] = x
            return share
        }
        var coefficients = [UInt8](repeating: 0, count: threshold)
        // Best-effort wipe of the last byte's polynomial (its constant term is a secret byte).
        defer { for index in coefficients.indices { coefficients[index] = 0 } }

        for (index, byte) in secret.enumerated() {
            coefficients[0] = byte
            for degree in 1..<threshold {
                coefficients[degree] = UInt8.random(in: .min ... .max, using: &generator)
            }
            for shareIndex in output.indices {
                output[shareIndex][index] = evaluate(coefficients, at: xCoordinates[shareIndex])
            }
        }
        return output
    }

    /// Rebuilds the secret from shares. Any `threshold` distinct shares of one split give the
    /// secret; fewer (or garbled) shares give a different value without an error, so callers
    /// detect a wrong result by failing to decrypt with it.
    package static func combine(_ shares: [[UInt8]]) throws -> [UInt8] {
        try combineShares(shares)
    }

    static func combineShares(_ shares: [[UInt8]]) throws(ShamirError) -> [UInt8] {
        guard let first = shares.first else {
            throw ShamirError(code: .tooFewShares, message: "at least one share is required")
        }
        guard first.count >= 2 else {
            throw ShamirError(code: .malformedShare, message: "a share must be at least 2 bytes long")
        }
        guard shares.allSatisfy({ $0.count == first.count }) else {
            throw ShamirError(code: .malformedShare, message: "all shares must have the same length")
        }
        let secretLength = first.count - 1
        let xCoordinates = shares.map { $0[secretLength] }
        guard !xCoordinates.contains(0) else {
            throw ShamirError(code: .malformedShare, message: "a share has the invalid x coordinate 0")
        }
        guard Set(xCoordinates).count == xCoordinates.count else {
            throw ShamirError(code: .duplicateShare, message: "the same share was given more than once")
        }

        // Lagrange basis polynomials evaluated at x = 0 (subtraction is XOR in GF(2^8)).
        let basisAtZero = xCoordinates.indices.map { i in
            var basis: UInt8 = 1
            for j in xCoordinates.indices where j != i {
                let term = GaloisField256.divide(xCoordinates[j], xCoordinates[j] ^ xCoordinates[i])
                basis = GaloisField256.multiply(basis, term)
            }
            return basis
        }

        var secret = [UInt8](repeating: 0, count: secretLength)
        for index in 0..<secretLength {
            var value: UInt8 = 0
            for shareIndex in shares.indices {
                value ^= GaloisField256.multiply(shares[shareIndex][index], basisAtZero[shareIndex])
            }
            secret[index] = value
        }
        return secret
    }

    /// Horner's rule: c0 + x(c1 + x(c2 + ...)).
    private static func evaluate(_ coefficients: [UInt8], at x: UInt8) -> UInt8 {
        var result: UInt8 = 0
        for coefficient in coefficients.reversed() {
            result = GaloisField256.multiply(result, x) ^ coefficient
        }
        return result
    }

    private static func validate(secretLength: Int, shares: Int, threshold: Int) throws(ShamirError) {
        guard secretLength > 0 else {
            throw ShamirError(code: .invalidParameters, message: "cannot split an empty secret")
        }
        guard shares >= 1, shares <= 255 else {
            throw ShamirError(code: .invalidParameters, message: "shares must be between 1 and 255")
        }
        guard threshold >= 1, threshold <= shares else {
            throw ShamirError(code: .invalidParameters, message: "threshold must be between 1 and shares")
        }
        guard threshold >= 2 || shares == 1 else {
            throw ShamirError(
                code: .invalidParameters, message: "threshold must be at least 2 unless there is only one share")
        }
    }
}

package struct ShamirError: Error, Sendable, CustomStringConvertible {
    package enum Code: Sendable, Equatable {
        case invalidParameters
        case duplicateShare
        case malformedShare
        case tooFewShares
    }

    package var code: Code
    package var message: String

    package init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { "shamir error (\(code)): \(message)" }
}
