/// Vault's `auth` block: what a token creation or renewal answers, in Vault's field order.
package struct ResponseAuth: Encodable, Sendable, Equatable {
    /// Empty when the caller must not learn the token (never the case for create/renew).
    package var clientToken: String
    package var accessor: String
    package var policies: [String]
    package var tokenPolicies: [String]
    package var metadata: [String: String]?
    package var leaseDuration: Int64
    package var renewable: Bool
    package var entityID = ""
    package var tokenType = "service"
    package var orphan: Bool
    package var numUses: Int

    package init(clientToken: String, entry: TokenEntry, leaseDuration: Int64) {
        self.clientToken = clientToken
        accessor = entry.accessor
        policies = entry.policies
        tokenPolicies = entry.policies
        metadata = entry.meta.isEmpty ? nil : entry.meta
        self.leaseDuration = leaseDuration
        renewable = entry.renewable && entry.expireTime != nil
        orphan = entry.isOrphan
        numUses = max(0, entry.numUses)
    }

    enum CodingKeys: String, CodingKey {
        case clientToken = "client_token", accessor, policies, tokenPolicies = "token_policies", metadata
        case leaseDuration = "lease_duration", renewable, entityID = "entity_id", tokenType = "token_type"
        case orphan, mfaRequirement = "mfa_requirement", numUses = "num_uses"
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(clientToken, forKey: .clientToken)
        try c.encode(accessor, forKey: .accessor)
        try c.encode(policies, forKey: .policies)
        try c.encode(tokenPolicies, forKey: .tokenPolicies)
        if let metadata { try c.encode(metadata, forKey: .metadata) } else { try c.encodeNil(forKey: .metadata) }
        try c.encode(leaseDuration, forKey: .leaseDuration)
        try c.encode(renewable, forKey: .renewable)
        try c.encode(entityID, forKey: .entityID)
        try c.encode(tokenType, forKey: .tokenType)
        try c.encode(orphan, forKey: .orphan)
        try c.encodeNil(forKey: .mfaRequirement)
        try c.encode(numUses, forKey: .numUses)
    }
}
