/// A secret an engine hands out (Vault's `logical.Secret`): the core turns it into a lease whose
/// id, duration and renewability the envelope carries (`lease_id`, `lease_duration`, `renewable`).
package struct ResponseSecret: Sendable {
    /// The TTL the request or the role asks for; nil or zero: the mount's default lease TTL.
    package var ttl: VaultDuration?
    /// The role's max TTL, kept with the lease so renewals stay capped by it.
    package var maxTTL: VaultDuration?
    package var renewable: Bool
    /// What the engine needs to renew or revoke (e.g. the username); stored through the barrier,
    /// never returned to the client.
    package var internalData: JSONValue

    package init(ttl: VaultDuration? = nil, maxTTL: VaultDuration? = nil, renewable: Bool = true, internalData: JSONValue = .null) {
        self.ttl = ttl
        self.maxTTL = maxTTL
        self.renewable = renewable
        self.internalData = internalData
    }
}
