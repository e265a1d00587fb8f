import Foundation

/// A token as stored: never the token itself, only its salted hash is the storage key.
package struct TokenEntry: Codable, Sendable, Equatable {
    package var accessor: String
    package var policies: [String]
    package var displayName: String
    package var path: String
    package var creationTime: Date
    package var ttl: Int64
    package var meta: [String: String]

    package var isRoot: Bool { policies.contains("root") }
}

/// Token ids and accessors: random, at least 128 bits, URL-safe.
package enum TokenID {
    private static let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")

    /// 24 characters of a 62-letter alphabet: ~143 bits.
    package static func generate(prefix: String = "cst.") -> String {
        var rng = SystemRandomNumberGenerator()
        return prefix + String((0..<24).map { _ in alphabet[Int(rng.next(upperBound: UInt8(alphabet.count)))] })
    }
}
