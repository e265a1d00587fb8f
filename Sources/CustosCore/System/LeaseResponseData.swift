import Foundation

/// `sys/leases/lookup`: Vault's shape, `last_renewal` null until the first renewal.
struct LeaseLookupData: Encodable, Sendable {
    var id: String
    var issueTime: String
    var expireTime: String
    var lastRenewal: String?
    var renewable: Bool
    var ttl: Int64

    init(_ lease: LeaseEntry, now: Date) {
        id = lease.id
        issueTime = TimestampFormat.milliseconds(lease.issueTime)
        expireTime = TimestampFormat.milliseconds(lease.expireTime)
        lastRenewal = lease.lastRenewalTime.map(TimestampFormat.milliseconds)
        renewable = lease.renewable
        ttl = lease.remainingTTL(at: now)
    }

    enum CodingKeys: String, CodingKey {
        case id, issueTime = "issue_time", expireTime = "expire_time", lastRenewal = "last_renewal", renewable, ttl
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(issueTime, forKey: .issueTime)
        try c.encode(expireTime, forKey: .expireTime)
        try c.encode(lastRenewal, forKey: .lastRenewal)  // explicit null, as Vault
        try c.encode(renewable, forKey: .renewable)
        try c.encode(ttl, forKey: .ttl)
    }
}

/// One entry of `sys/leases?type=irrevocable`.
struct IrrevocableLeaseData: Encodable, Sendable {
    var leaseID: String
    var mountID: String
    var error: String
    var expireTime: String

    init(_ lease: LeaseEntry) {
        leaseID = lease.id
        mountID = lease.mountAccessor
        error = lease.revocation.lastError ?? ""
        expireTime = TimestampFormat.milliseconds(lease.expireTime)
    }

    enum CodingKeys: String, CodingKey {
        case leaseID = "lease_id", mountID = "mount_id", error, expireTime = "expire_time"
    }
}

struct IrrevocableLeasesData: Encodable, Sendable {
    var leaseCount: Int
    var leases: [IrrevocableLeaseData]
    enum CodingKeys: String, CodingKey { case leaseCount = "lease_count", leases }
}

struct LeaseCountData: Encodable, Sendable {
    var leaseCount: Int
    var counts: [String: Int]
    /// `type=all` only.
    var pendingCount: Int?
    enum CodingKeys: String, CodingKey { case leaseCount = "lease_count", counts, pendingCount = "pending_count" }
}

