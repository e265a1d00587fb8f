package import Foundation

/// The limits a renewal is capped by, all measured from the lease's issue time (as Vault does):
/// the role's max TTL, the mount's tuned `max_lease_ttl` and the system maximum.
package struct LeaseTTLCaps: Sendable, Equatable {
    package var leaseMaxTTL: VaultDuration?
    package var mountMaxTTL: VaultDuration?
    package var systemMaxTTL: VaultDuration

    /// Vault's default system maximum: 32 days.
    package static let defaultSystemMaxTTL = VaultDuration(seconds: 32 * 24 * 3600)

    package init(leaseMaxTTL: VaultDuration? = nil, mountMaxTTL: VaultDuration? = nil,
                 systemMaxTTL: VaultDuration = LeaseTTLCaps.defaultSystemMaxTTL) {
        self.leaseMaxTTL = leaseMaxTTL
        self.mountMaxTTL = mountMaxTTL
        self.systemMaxTTL = systemMaxTTL
    }

    /// The tightest limit; zero values mean "not set", as in Vault's configuration.
    package var effectiveMaxTTL: VaultDuration {
        [leaseMaxTTL, mountMaxTTL, systemMaxTTL]
            .compactMap { $0 }
            .filter { $0.seconds > 0 }
            .min() ?? systemMaxTTL
    }

    /// The TTL granted for `requested` at `now` for a lease issued at `issueTime`.
    package func grant(requested: VaultDuration, issueTime: Date, now: Date) -> LeaseTTLGrant {
        let maximum = effectiveMaxTTL
        let latest = issueTime.addingTimeInterval(Double(maximum.seconds))
        let allowed = max(0, Int64(latest.timeIntervalSince(now).rounded(.down)))
        if requested.seconds > allowed {
            return LeaseTTLGrant(
                ttl: VaultDuration(seconds: allowed), requested: requested, capped: true, maxTTL: maximum)
        }
        return LeaseTTLGrant(ttl: requested, requested: requested, capped: false, maxTTL: maximum)
    }
}

package struct LeaseTTLGrant: Sendable, Equatable {
    package var ttl: VaultDuration
    package var requested: VaultDuration
    /// The request asked for more than the limits allow; the API adds `warning` to `warnings`.
    package var capped: Bool
    package var maxTTL: VaultDuration

    /// Vault's wording for a capped TTL.
    package var warning: String? {
        guard capped else { return nil }
        return "TTL of \"\(requested)\" exceeded the effective max_ttl of \"\(maxTTL)\"; "
            + "TTL value is capped accordingly"
    }
}
