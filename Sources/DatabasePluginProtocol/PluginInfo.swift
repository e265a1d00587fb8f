/// The answer to `Info`: who the plugin is and which protocol versions it speaks.
public struct PluginInfo: Codable, Sendable, Equatable {
    public var name: String
    public var version: String
    /// The host refuses a plugin whose list lacks `pluginProtocolVersion`.
    public var protocolVersions: [Int]
    /// Template the host fills to generate usernames (`{{.RoleName}}`-style fields are the host's).
    public var defaultUsernameTemplate: String
    /// The database's limit; the host truncates generated names to it.
    public var maxUsernameLength: Int

    public init(
        name: String,
        version: String,
        protocolVersions: [Int] = [pluginProtocolVersion],
        defaultUsernameTemplate: String,
        maxUsernameLength: Int
    ) {
        self.name = name
        self.version = version
        self.protocolVersions = protocolVersions
        self.defaultUsernameTemplate = defaultUsernameTemplate
        self.maxUsernameLength = maxUsernameLength
    }
}
