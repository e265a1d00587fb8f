/// A database plugin: what `serve(_:)` calls for each request from the host.
///
/// Calls arrive concurrently (many in flight, also for one connection), so implementations keep
/// their per-connection state in an actor or behind a lock. Throw `PluginError` with the kind
/// that fits; any other error reaches the host as kind `internal` with a generic message, since
/// its text could carry a secret. `serve` answers calls on a connection that was never
/// initialised (or was closed) itself, with `PluginError.connectionNotInitialized`, so these
/// methods are only called for connections that `initialize` accepted.
public protocol DatabasePlugin: Sendable {
    /// Name, version, protocol versions, username template and limit; asked once at start-up.
    var info: PluginInfo { get }

    /// Configures (or reconfigures: the same id again replaces its config) a connection.
    /// Returns the config to persist. With `verifyConnection`, connect before answering.
    func initialize(_ request: InitializeRequest) async throws -> InitializeResult

    /// Creates a user; returns the name used (the given one, or truncated to the limit).
    func newUser(_ request: NewUserRequest) async throws -> NewUserResult

    /// Moves a user's expiry.
    func renewUser(_ request: RenewUserRequest) async throws

    /// Drops a user; a user that does not exist is not an error.
    func revokeUser(_ request: RevokeUserRequest) async throws

    /// Changes the connection's own password; returns the updated config to persist.
    func rotateRoot(_ request: RotateRootRequest) async throws -> RotateRootResult

    /// Sets the password of an existing user (static roles).
    func setCredentials(_ request: SetCredentialsRequest) async throws

    /// Releases the connection's resources (pool, config).
    func close(connection: String) async throws
}

extension DatabasePlugin {
    public func rotateRoot(_ request: RotateRootRequest) async throws -> RotateRootResult {
        throw PluginError(.unsupported, "\(info.name) does not support RotateRoot")
    }

    public func setCredentials(_ request: SetCredentialsRequest) async throws {
        throw PluginError(.unsupported, "\(info.name) does not support SetCredentials")
    }
}
