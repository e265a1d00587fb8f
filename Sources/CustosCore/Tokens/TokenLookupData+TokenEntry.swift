import Foundation
import VaultAPI

extension TokenLookupData {
    /// What a lookup shows of `entry`. `id` is the token itself: only shown to a caller who sent
    /// it (lookup, lookup-self).
    init(_ entry: TokenEntry, id: String, now: Date) {
        self.init()
        accessor = entry.accessor
        creationTime = Int64(entry.creationTime.timeIntervalSince1970)
        creationTTL = entry.ttl
        displayName = entry.displayName
        entityID = ""
        expireTime = entry.expireTime.map(TimestampFormat.milliseconds)
        explicitMaxTTL = entry.explicitMaxTTL
        self.id = id
        issueTime = TimestampFormat.milliseconds(entry.creationTime)
        lastRenewal = entry.lastRenewalTime.map(TimestampFormat.milliseconds)
        lastRenewalTime = entry.lastRenewalTime.map { Int64($0.timeIntervalSince1970) }
        meta = entry.meta.isEmpty ? nil : entry.meta
        numUses = entry.numUses
        orphan = entry.isOrphan
        path = entry.path
        period = entry.period > 0 ? entry.period : nil
        policies = entry.policies
        renewable = entry.renewable && entry.expireTime != nil
        ttl = entry.remainingTTL(at: now)
        type = "service"
    }
}
