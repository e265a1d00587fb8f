package import Foundation

/// A token as stored: never the token itself, only its salted hash is the storage key.
package struct TokenEntry: Codable, Sendable, Equatable {
    package var accessor: String
    package var policies: [String]
    package var displayName: String
    package var path: String
    package var creationTime: Date
    /// The TTL the token was created with (seconds); 0 = never expires.
    package var ttl: Int64
    package var meta: [String: String]
    /// This token's own salted id (its storage key), so a subtree can be walked from an entry.
    package var saltedID: String
    /// The parent's salted id; empty for an orphan.
    package var parentSaltedID: String
    package var explicitMaxTTL: Int64
    package var period: Int64
    /// Uses left; 0 = unlimited, -1 = used up (revoked once the request that used it ends).
    package var numUses: Int
    package var renewable: Bool
    package var expireTime: Date?
    package var lastRenewalTime: Date?

    package var isRoot: Bool { policies.contains("root") }
    package var isOrphan: Bool { parentSaltedID.isEmpty }
    package var isUsedUp: Bool { numUses < 0 }

    package init(
        accessor: String, policies: [String], displayName: String, path: String, creationTime: Date,
        ttl: Int64, meta: [String: String], saltedID: String = "", parentSaltedID: String = "",
        explicitMaxTTL: Int64 = 0, period: Int64 = 0, numUses: Int = 0, renewable: Bool = false,
        expireTime: Date? = nil, lastRenewalTime: Date? = nil
    ) {
        self.accessor = accessor
        self.policies = policies
        self.displayName = displayName
        self.path = path
        self.creationTime = creationTime
        self.ttl = ttl
        self.meta = meta
        self.saltedID = saltedID
        self.parentSaltedID = parentSaltedID
        self.explicitMaxTTL = explicitMaxTTL
        self.period = period
        self.numUses = numUses
        self.renewable = renewable
        self.expireTime = expireTime
        self.lastRenewalTime = lastRenewalTime
    }

    /// Entries written before child tokens existed (root tokens) lack the newer fields.
    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        accessor = try c.decode(String.self, forKey: .accessor)
        policies = try c.decode([String].self, forKey: .policies)
        displayName = try c.decode(String.self, forKey: .displayName)
        path = try c.decode(String.self, forKey: .path)
        creationTime = try c.decode(Date.self, forKey: .creationTime)
        ttl = try c.decode(Int64.self, forKey: .ttl)
        meta = try c.decode([String: String].self, forKey: .meta)
        saltedID = try c.decodeIfPresent(String.self, forKey: .saltedID) ?? ""
        parentSaltedID = try c.decodeIfPresent(String.self, forKey: .parentSaltedID) ?? ""
        explicitMaxTTL = try c.decodeIfPresent(Int64.self, forKey: .explicitMaxTTL) ?? 0
        period = try c.decodeIfPresent(Int64.self, forKey: .period) ?? 0
        numUses = try c.decodeIfPresent(Int.self, forKey: .numUses) ?? 0
        renewable = try c.decodeIfPresent(Bool.self, forKey: .renewable) ?? false
        expireTime = try c.decodeIfPresent(Date.self, forKey: .expireTime)
        lastRenewalTime = try c.decodeIfPresent(Date.self, forKey: .lastRenewalTime)
    }

    /// Seconds left before expiry at `now` (0 for a token that never expires).
    package func remainingTTL(at now: Date) -> Int64 {
        guard let expireTime else { return 0 }
        return max(0, Int64(expireTime.timeIntervalSince(now).rounded(.down)))
    }

    package func isExpired(at now: Date) -> Bool {
        guard let expireTime else { return false }
        return expireTime <= now
    }
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
