/// The `data` of `auth/token/lookup`, `lookup-self` and `lookup-accessor`, in Vault's (sorted)
/// field order. The server fills every field but the ones left out below (building it from a
/// token is the core's); the CLI reads it from any server, so every field is optional. An absent
/// field is `null` where marked so (`expire_time` of a token that never expires, `meta` of one
/// without metadata), left out otherwise. `identity_policies` is only another server's.
package struct TokenLookupData: Codable, Sendable, Equatable {
    @NullWhenAbsent package var accessor: String? = nil
    @NullWhenAbsent package var creationTime: Int64? = nil
    @NullWhenAbsent package var creationTTL: Int64? = nil
    @NullWhenAbsent package var displayName: String? = nil
    @NullWhenAbsent package var entityID: String? = nil
    @NullWhenAbsent package var expireTime: String? = nil
    @NullWhenAbsent package var explicitMaxTTL: Int64? = nil
    /// The token itself: only shown to a caller who sent it (empty for `lookup-accessor`).
    @NullWhenAbsent package var id: String? = nil
    package var identityPolicies: [String]?
    @NullWhenAbsent package var issueTime: String? = nil
    package var lastRenewal: String?
    package var lastRenewalTime: Int64?
    @NullWhenAbsent package var meta: [String: String]? = nil
    @NullWhenAbsent package var numUses: Int? = nil
    @NullWhenAbsent package var orphan: Bool? = nil
    @NullWhenAbsent package var path: String? = nil
    package var period: Int64?
    @NullWhenAbsent package var policies: [String]? = nil
    @NullWhenAbsent package var renewable: Bool? = nil
    @NullWhenAbsent package var ttl: Int64? = nil
    @NullWhenAbsent package var type: String? = nil

    enum CodingKeys: String, CodingKey {
        case accessor, creationTime = "creation_time", creationTTL = "creation_ttl", displayName = "display_name"
        case entityID = "entity_id", expireTime = "expire_time", explicitMaxTTL = "explicit_max_ttl", id
        case identityPolicies = "identity_policies", issueTime = "issue_time", lastRenewal = "last_renewal"
        case lastRenewalTime = "last_renewal_time", meta, numUses = "num_uses", orphan, path, period, policies
        case renewable, ttl, type
    }

    package init() {}
}
