/// What went wrong, as a stable code the host can act on (never match on the message text).
public struct PluginErrorKind: RawRepresentable, Codable, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// Bad params, unknown connection, invalid config.
    public static let invalidRequest = PluginErrorKind(rawValue: "invalid_request")
    /// Cannot reach or log in to the database.
    public static let connection = PluginErrorKind(rawValue: "connection")
    /// The database refused a statement.
    public static let database = PluginErrorKind(rawValue: "database")
    /// The plugin does not implement the method.
    public static let unsupported = PluginErrorKind(rawValue: "unsupported")
    /// A bug or an unexpected failure inside the plugin.
    public static let `internal` = PluginErrorKind(rawValue: "internal")

    public var description: String { rawValue }
}

/// The one error type that crosses the wire. `message` is shown to the admin: it must never
/// contain a password, token or connection URL with credentials.
public struct PluginError: Error, Sendable, Codable, Equatable, CustomStringConvertible {
    public var kind: PluginErrorKind
    public var message: String

    public init(_ kind: PluginErrorKind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// The standard error for a method called on a connection that was never initialised.
    public static func connectionNotInitialized(_ connection: String) -> PluginError {
        PluginError(.invalidRequest, "connection \(connection) is not initialized")
    }

    public var description: String { "\(kind): \(message)" }
}
