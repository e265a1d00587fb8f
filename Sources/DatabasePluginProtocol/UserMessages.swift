public import Foundation

/// `NewUser` params: create `username` with `password`, valid until `expiration`.
public struct NewUserRequest: Codable, Sendable {
    public var connection: String
    public var username: String
    public var password: String
    /// Encoded as an RFC 3339 UTC string (whole seconds).
    public var expiration: Date
    /// Creation statements; empty = the plugin's defaults.
    public var statements: [String]
    /// Run if creation fails half-way; empty = the plugin's defaults.
    public var rollbackStatements: [String]

    public init(
        connection: String, username: String, password: String, expiration: Date,
        statements: [String] = [], rollbackStatements: [String] = []
    ) {
        self.connection = connection
        self.username = username
        self.password = password
        self.expiration = expiration
        self.statements = statements
        self.rollbackStatements = rollbackStatements
    }

    private enum CodingKeys: String, CodingKey {
        case connection, username, password, expiration, statements, rollbackStatements
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        connection = try container.decode(String.self, forKey: .connection)
        username = try container.decode(String.self, forKey: .username)
        password = try container.decode(String.self, forKey: .password)
        expiration = try RFC3339Coding.decodeDate(container, forKey: .expiration)
        statements = try container.decodeIfPresent([String].self, forKey: .statements) ?? []
        rollbackStatements = try container.decodeIfPresent([String].self, forKey: .rollbackStatements) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(connection, forKey: .connection)
        try container.encode(username, forKey: .username)
        try container.encode(password, forKey: .password)
        try container.encode(RFC3339.string(from: expiration), forKey: .expiration)
        try container.encode(statements, forKey: .statements)
        try container.encode(rollbackStatements, forKey: .rollbackStatements)
    }
}

/// `NewUser` result: the username actually created (the given one, or truncated).
public struct NewUserResult: Codable, Sendable, Equatable {
    public var username: String

    public init(username: String) {
        self.username = username
    }
}

/// `RenewUser` params: move `username`'s expiry to `expiration`.
public struct RenewUserRequest: Codable, Sendable {
    public var connection: String
    public var username: String
    /// Encoded as an RFC 3339 UTC string (whole seconds).
    public var expiration: Date
    public var statements: [String]

    public init(connection: String, username: String, expiration: Date, statements: [String] = []) {
        self.connection = connection
        self.username = username
        self.expiration = expiration
        self.statements = statements
    }

    private enum CodingKeys: String, CodingKey { case connection, username, expiration, statements }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        connection = try container.decode(String.self, forKey: .connection)
        username = try container.decode(String.self, forKey: .username)
        expiration = try RFC3339Coding.decodeDate(container, forKey: .expiration)
        statements = try container.decodeIfPresent([String].self, forKey: .statements) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(connection, forKey: .connection)
        try container.encode(username, forKey: .username)
        try container.encode(RFC3339.string(from: expiration), forKey: .expiration)
        try container.encode(statements, forKey: .statements)
    }
}

/// `RevokeUser` params: drop `username`. Revoking a user that does not exist succeeds.
public struct RevokeUserRequest: Codable, Sendable {
    public var connection: String
    public var username: String
    public var statements: [String]

    public init(connection: String, username: String, statements: [String] = []) {
        self.connection = connection
        self.username = username
        self.statements = statements
    }

    private enum CodingKeys: String, CodingKey { case connection, username, statements }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        connection = try container.decode(String.self, forKey: .connection)
        username = try container.decode(String.self, forKey: .username)
        statements = try container.decodeIfPresent([String].self, forKey: .statements) ?? []
    }
}

/// `SetCredentials` params: give the existing `username` the password `password` (static roles).
public struct SetCredentialsRequest: Codable, Sendable {
    public var connection: String
    public var username: String
    public var password: String
    public var statements: [String]

    public init(connection: String, username: String, password: String, statements: [String] = []) {
        self.connection = connection
        self.username = username
        self.password = password
        self.statements = statements
    }

    private enum CodingKeys: String, CodingKey { case connection, username, password, statements }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        connection = try container.decode(String.self, forKey: .connection)
        username = try container.decode(String.self, forKey: .username)
        password = try container.decode(String.self, forKey: .password)
        statements = try container.decodeIfPresent([String].self, forKey: .statements) ?? []
    }
}

extension NewUserRequest: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        "NewUserRequest(connection: \(connection), username: \(username), password: \(Redaction.placeholder), "
            + "expiration: \(RFC3339.string(from: expiration)), statements: \(Redaction.count(statements)), "
            + "rollbackStatements: \(Redaction.count(rollbackStatements)))"
    }
    public var debugDescription: String { description }
    public var customMirror: Mirror {
        Mirror(self, children: [
            "connection": connection, "username": username, "password": Redaction.placeholder,
            "expiration": expiration, "statements": statements.count, "rollbackStatements": rollbackStatements.count,
        ])
    }
}

extension SetCredentialsRequest: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        "SetCredentialsRequest(connection: \(connection), username: \(username), "
            + "password: \(Redaction.placeholder), statements: \(Redaction.count(statements)))"
    }
    public var debugDescription: String { description }
    public var customMirror: Mirror {
        Mirror(self, children: [
            "connection": connection, "username": username, "password": Redaction.placeholder,
            "statements": statements.count,
        ])
    }
}
