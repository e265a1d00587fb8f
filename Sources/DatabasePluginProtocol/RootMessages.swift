/// `RotateRoot` params: change the password of the connection's own (root) user.
public struct RotateRootRequest: Codable, Sendable {
    public var connection: String
    public var newPassword: String
    public var statements: [String]

    public init(connection: String, newPassword: String, statements: [String] = []) {
        self.connection = connection
        self.newPassword = newPassword
        self.statements = statements
    }

    private enum CodingKeys: String, CodingKey { case connection, newPassword, statements }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        connection = try container.decode(String.self, forKey: .connection)
        newPassword = try container.decode(String.self, forKey: .newPassword)
        statements = try container.decodeIfPresent([String].self, forKey: .statements) ?? []
    }
}

/// `RotateRoot` result: the updated config (with the new password) for the host to persist.
public struct RotateRootResult: Codable, Sendable {
    public var config: PluginConfig

    public init(config: PluginConfig) {
        self.config = config
    }
}

extension RotateRootRequest: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        "RotateRootRequest(connection: \(connection), newPassword: \(Redaction.placeholder), "
            + "statements: \(Redaction.count(statements)))"
    }
    public var debugDescription: String { description }
    public var customMirror: Mirror {
        Mirror(self, children: [
            "connection": connection, "newPassword": Redaction.placeholder, "statements": statements.count,
        ])
    }
}

extension RotateRootResult: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "RotateRootResult(config keys: \(Redaction.configKeys(config)))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["config": Redaction.configKeys(config)]) }
}
