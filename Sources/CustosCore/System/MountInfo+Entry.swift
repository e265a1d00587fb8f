import VaultAPI

extension MountInfo {
    /// A mount as `sys/mounts` shows it.
    init(_ entry: MountEntry) {
        self.init(
            type: entry.type,
            description: entry.description,
            accessor: entry.accessor,
            uuid: entry.uuid,
            config: Config(defaultLeaseTTL: entry.config.defaultLeaseTTL, maxLeaseTTL: entry.config.maxLeaseTTL, forceNoCache: false),
            options: entry.options.isEmpty ? nil : entry.options,
            local: entry.local,
            sealWrap: entry.sealWrap,
            externalEntropyAccess: false,
            pluginVersion: "",
            runningPluginVersion: "v\(CustosVersion.string)+builtin",
            runningSHA256: ""
        )
    }

    /// The system backend is listed like a mount, as Vault does.
    static let system = MountInfo(SystemBackend.mount)
}
