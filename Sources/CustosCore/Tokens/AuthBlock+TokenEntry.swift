import VaultAPI

extension AuthBlock {
    /// The block a token creation or renewal answers with.
    package init(clientToken: String, entry: TokenEntry, leaseDuration: Int64) {
        self.init(
            clientToken: clientToken, accessor: entry.accessor, policies: entry.policies, tokenPolicies: entry.policies,
            metadata: entry.meta.isEmpty ? nil : entry.meta, leaseDuration: leaseDuration,
            renewable: entry.renewable && entry.expireTime != nil, entityID: "", tokenType: "service",
            orphan: entry.isOrphan, numUses: max(0, entry.numUses))
    }
}
