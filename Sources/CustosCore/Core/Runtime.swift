/// Everything that exists only while the core is unsealed: the mounted engines and the token
/// store. Replaced whole on every mount change, dropped on seal.
struct Runtime: Sendable {
    var mounts: MountTable
    var engines: [String: any SecretsEngine]   // by mount uuid
    var tokens: TokenStore
    var policies: PolicyStore
    var cluster: ClusterInfo

    func route(_ path: String) -> (MountEntry, any SecretsEngine)? {
        guard let entry = mounts.match(path), let engine = engines[entry.uuid] else { return nil }
        return (entry, engine)
    }
}
