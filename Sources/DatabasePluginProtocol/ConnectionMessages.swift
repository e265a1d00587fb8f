/// `Initialize` params: configure (or reconfigure) the connection `connection`.
public struct InitializeRequest: Codable, Sendable {
    public var connection: String
    /// The config as the admin wrote it; holds secrets (`password`, `connection_url`).
    public var config: PluginConfig
    /// When true the plugin must prove the config works (connect) before answering.
    public var verifyConnection: Bool

    public init(connection: String, config: PluginConfig, verifyConnection: Bool = true) {
        self.connection = connection
        self.config = config
        self.verifyConnection = verifyConnection
    }

    private enum CodingKeys: String, CodingKey { case connection, config, verifyConnection }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        connection = try container.decode(String.self, forKey: .connection)
        config = try container.decodeIfPresent(PluginConfig.self, forKey: .config) ?? [:]
        verifyConnection = try container.decodeIfPresent(Bool.self, forKey: .verifyConnection) ?? true
    }
}

/// `Initialize` result: the config the host should persist (the plugin may normalise it).
public struct InitializeResult: Codable, Sendable {
    public var config: PluginConfig

    public init(config: PluginConfig) {
        self.config = config
    }
}

/// `Close` params: drop the connection's state (pool, config).
public struct CloseRequest: Codable, Sendable {
    public var connection: String

    public init(connection: String) {
        self.connection = connection
    }
}

/// The `{}` result of methods that return nothing.
public struct EmptyResult: Codable, Sendable, Equatable {
    public init() {}
}

extension InitializeRequest: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        "InitializeRequest(connection: \(connection), config keys: \(Redaction.configKeys(config)), "
            + "verifyConnection: \(verifyConnection))"
    }
    public var debugDescription: String { description }
    public var customMirror: Mirror {
        Mirror(self, children: ["connection": connection, "config": Redaction.configKeys(config),
                                "verifyConnection": verifyConnection])
    }
}

extension InitializeResult: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "InitializeResult(config keys: \(Redaction.configKeys(config)))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["config": Redaction.configKeys(config)]) }
}
