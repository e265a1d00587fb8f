/// One mount as `GET sys/mounts` (and `GET sys/mounts/:path`, and `sys/auth` for auth methods) shows it: encoded by the server,
/// decoded by the CLI. Properties in Vault's field order. Optional where another server may leave
/// a field out; Custos always sends all but `options` (when empty) and `deprecation_status`.
package struct MountInfo: Codable, Sendable, Equatable {
    package struct Config: Codable, Sendable, Equatable {
        package var defaultLeaseTTL: Int64?
        package var maxLeaseTTL: Int64?
        package var forceNoCache: Bool?
        /// Auth methods only (`default-service` for the token store).
        package var tokenType: String?

        enum CodingKeys: String, CodingKey {
            case defaultLeaseTTL = "default_lease_ttl", maxLeaseTTL = "max_lease_ttl", forceNoCache = "force_no_cache"
            case tokenType = "token_type"
        }

        package init(defaultLeaseTTL: Int64?, maxLeaseTTL: Int64?, forceNoCache: Bool?, tokenType: String? = nil) {
            self.defaultLeaseTTL = defaultLeaseTTL
            self.maxLeaseTTL = maxLeaseTTL
            self.forceNoCache = forceNoCache
            self.tokenType = tokenType
        }
    }

    package var type: String
    package var description: String?
    package var accessor: String?
    package var uuid: String?
    package var config: Config?
    package var options: [String: String]?
    package var local: Bool?
    package var sealWrap: Bool?
    package var externalEntropyAccess: Bool?
    package var pluginVersion: String?
    package var runningPluginVersion: String?
    package var runningSHA256: String?
    package var deprecationStatus: String?

    enum CodingKeys: String, CodingKey {
        case type, description, accessor, uuid, config, options, local
        case sealWrap = "seal_wrap", externalEntropyAccess = "external_entropy_access"
        case pluginVersion = "plugin_version", runningPluginVersion = "running_plugin_version"
        case runningSHA256 = "running_sha256", deprecationStatus = "deprecation_status"
    }

    package init(
        type: String, description: String?, accessor: String?, uuid: String?, config: Config?,
        options: [String: String]?, local: Bool?, sealWrap: Bool?, externalEntropyAccess: Bool?,
        pluginVersion: String?, runningPluginVersion: String?, runningSHA256: String?,
        deprecationStatus: String? = nil
    ) {
        self.type = type
        self.description = description
        self.accessor = accessor
        self.uuid = uuid
        self.config = config
        self.options = options
        self.local = local
        self.sealWrap = sealWrap
        self.externalEntropyAccess = externalEntropyAccess
        self.pluginVersion = pluginVersion
        self.runningPluginVersion = runningPluginVersion
        self.runningSHA256 = runningSHA256
        self.deprecationStatus = deprecationStatus
    }
}
