package import DatabasePluginProtocol

/// Typed calls to one plugin (by catalog name) through the supervisor. Remembers each
/// connection's config so a restarted plugin is re-initialised (verifyConnection false) before
/// the first call that needs the connection.
package struct PluginClient: Sendable {
    package let plugin: String
    package let supervisor: PluginSupervisor

    package init(plugin: String, supervisor: PluginSupervisor) {
        self.plugin = plugin
        self.supervisor = supervisor
    }

    package func info(timeout: Duration? = nil) async throws -> PluginInfo {
        try await call(.info, params: EmptyResult(), as: PluginInfo.self, connection: nil, timeout: timeout)
    }

    package func initialize(_ request: InitializeRequest, timeout: Duration? = nil) async throws -> InitializeResult {
        let process = try await runningProcess(timeout)
        let result = try await supervisor.configuration.metrics.measure(plugin: plugin, method: .initialize) {
            try await process.rpc.call(
                PluginMethod.initialize.rawValue, params: request, as: InitializeResult.self,
                timeout: timeout ?? supervisor.configuration.callTimeout)
        }
        // What the plugin says to persist is what a restart re-initialises from.
        let remembered = result.config.isEmpty ? request.config : result.config
        supervisor.connectionConfigs.set(remembered, plugin: plugin, connection: request.connection)
        process.markInitialized(request.connection)
        return result
    }

    package func newUser(_ request: NewUserRequest, timeout: Duration? = nil) async throws -> NewUserResult {
        try await call(
            .newUser, params: request, as: NewUserResult.self, connection: request.connection, timeout: timeout)
    }

    package func renewUser(_ request: RenewUserRequest, timeout: Duration? = nil) async throws {
        _ = try await call(
            .renewUser, params: request, as: EmptyResult.self, connection: request.connection, timeout: timeout)
    }

    package func revokeUser(_ request: RevokeUserRequest, timeout: Duration? = nil) async throws {
        _ = try await call(
            .revokeUser, params: request, as: EmptyResult.self, connection: request.connection, timeout: timeout)
    }

    package func rotateRoot(_ request: RotateRootRequest, timeout: Duration? = nil) async throws -> RotateRootResult {
        let result = try await call(
            .rotateRoot, params: request, as: RotateRootResult.self, connection: request.connection, timeout: timeout)
        if !result.config.isEmpty {
            supervisor.connectionConfigs.set(result.config, plugin: plugin, connection: request.connection)
        }
        return result
    }

    package func setCredentials(_ request: SetCredentialsRequest, timeout: Duration? = nil) async throws {
        _ = try await call(
            .setCredentials, params: request, as: EmptyResult.self, connection: request.connection, timeout: timeout)
    }

    /// Closes the connection in the plugin and forgets its config (it is not re-initialised again).
    package func close(connection: String, timeout: Duration? = nil) async throws {
        supervisor.connectionConfigs.remove(plugin: plugin, connection: connection)
        let process = try await runningProcess(timeout)
        process.markClosed(connection)
        _ = try await supervisor.configuration.metrics.measure(plugin: plugin, method: .close) {
            try await process.rpc.call(
                PluginMethod.close.rawValue, params: CloseRequest(connection: connection), as: EmptyResult.self,
                timeout: timeout ?? supervisor.configuration.callTimeout)
        }
    }

    /// The generic call. With a `connection`, a remembered connection that this process has not
    /// seen yet (it was restarted) is initialised first.
    package func call<Params: Encodable & Sendable, Result: Decodable>(
        _ method: PluginMethod, params: Params, as resultType: Result.Type, connection: String?,
        timeout: Duration? = nil
    ) async throws -> Result {
        let timeout = timeout ?? supervisor.configuration.callTimeout
        let process = try await runningProcess(timeout)
        if let connection {
            try await reinitializeIfNeeded(connection, on: process, timeout: timeout)
        }
        return try await supervisor.configuration.metrics.measure(plugin: plugin, method: method) {
            try await process.rpc.call(method.rawValue, params: params, as: resultType, timeout: timeout)
        }
    }

    private func runningProcess(_ timeout: Duration?) async throws -> PluginProcess {
        try await supervisor.process(for: plugin, patience: timeout ?? supervisor.configuration.callTimeout)
    }

    private func reinitializeIfNeeded(_ connection: String, on process: PluginProcess, timeout: Duration) async throws {
        guard let config = supervisor.connectionConfigs.config(plugin: plugin, connection: connection) else { return }
        let plugin = self.plugin
        do {
            try await process.ensureInitialized(connection) {
                _ = try await process.rpc.call(
                    PluginMethod.initialize.rawValue,
                    params: InitializeRequest(connection: connection, config: config, verifyConnection: false),
                    as: InitializeResult.self, timeout: timeout)
            }
        } catch let error as PluginHostError {
            throw PluginHostError(
                error.code, plugin: plugin,
                "re-initialising connection \(connection) after a plugin restart failed: \(error.message)",
                remote: error.remote, rpcCode: error.rpcCode)
        }
    }
}
