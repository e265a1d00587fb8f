/// Everything that exists only while the core is unsealed: the mounted engines and the token
/// store. Replaced whole on every mount change, dropped on seal.
struct Runtime: Sendable {
    var mounts: MountTable
    var engines: [String: any SecretsEngine]   // by mount uuid
    var tokens: TokenStore
    var policies: PolicyStore
    var cluster: ClusterInfo
    /// Leases of this unseal (stopped on seal; the next unseal makes a new one).
    var expiration: ExpirationManager

    func route(_ path: String) -> (MountEntry, any SecretsEngine)? {
        guard let entry = mounts.match(path), let engine = engines[entry.uuid] else { return nil }
        return (entry, engine)
    }

    func mount(accessor: String) -> (MountEntry, any SecretsEngine)? {
        guard let entry = mounts.entries.first(where: { $0.accessor == accessor }), let engine = engines[entry.uuid] else {
            return nil
        }
        return (entry, engine)
    }
}
