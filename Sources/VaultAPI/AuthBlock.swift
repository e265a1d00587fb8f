package import CustosJSON

/// Vault's `auth` block: what a token creation, renewal or login answers, in Vault's field
/// order. The server fills every field (building it from a token is the core's); the CLI reads
/// it from any server, so what an older Vault or OpenBao may leave out (or send as `null`) is
/// optional. `identity_policies` is only another server's (Custos has no identities). An absent
/// optional field is left out, or `null` where marked so.
package struct AuthBlock: Codable, Sendable, Equatable {
    /// Empty when the caller must not learn the token.
    package var clientToken: String
    package var accessor: String
    @NullWhenAbsent package var policies: [String]?
    package var tokenPolicies: [String]?
    package var identityPolicies: [String]?
    @NullWhenAbsent package var metadata: [String: String]?
    package var leaseDuration: Int64
    package var renewable: Bool
    package var entityID: String?
    package var tokenType: String?
    package var orphan: Bool?
    /// Custos asks for no MFA: it always sends `null`.
    @NullWhenAbsent package var mfaRequirement: JSONValue? = nil
    package var numUses: Int?

    enum CodingKeys: String, CodingKey {
        case clientToken = "client_token", accessor, policies, tokenPolicies = "token_policies"
        case identityPolicies = "identity_policies", metadata, leaseDuration = "lease_duration", renewable
        case entityID = "entity_id", tokenType = "token_type", orphan, mfaRequirement = "mfa_requirement"
        case numUses = "num_uses"
    }

    package init(
        clientToken: String, accessor: String, policies: [String]?, tokenPolicies: [String]? = nil,
        identityPolicies: [String]? = nil, metadata: [String: String]?, leaseDuration: Int64, renewable: Bool,
        entityID: String? = nil, tokenType: String? = nil, orphan: Bool? = nil, numUses: Int? = nil
    ) {
        self.clientToken = clientToken
        self.accessor = accessor
        self.policies = policies
        self.tokenPolicies = tokenPolicies
        self.identityPolicies = identityPolicies
        self.metadata = metadata
        self.leaseDuration = leaseDuration
        self.renewable = renewable
        self.entityID = entityID
        self.tokenType = tokenType
        self.orphan = orphan
        self.numUses = numUses
    }
}
