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
    /// The token store's tuned TTLs (`sys/auth/token/tune`); 0 means the server's.
    var tokenStoreConfig = MountConfig()

    /// Where `tokenStoreConfig` is stored, under the barrier.
    static let tokenStoreConfigKey = "core/token-store-config"

    /// The TTLs tokens get: the token store's tuned ones, else the server's; the default never
    /// above the maximum.
    func tokenTTLs(_ settings: CoreSettings) -> (defaultTTL: Int64, maxTTL: Int64) {
        let maxTTL = tokenStoreConfig.maxLeaseTTL > 0 ? tokenStoreConfig.maxLeaseTTL : settings.maxLeaseTTL
        let defaultTTL = tokenStoreConfig.defaultLeaseTTL > 0 ? tokenStoreConfig.defaultLeaseTTL : settings.defaultLeaseTTL
        return (min(defaultTTL, maxTTL), maxTTL)
    }

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
