import DatabasePluginKit

/// The PostgreSQL database plugin: creates, renews and drops roles over libpq.
struct PostgreSQLPlugin: DatabasePlugin {
    /// PostgreSQL truncates identifiers to NAMEDATALEN - 1 = 63 bytes.
    static let maxUsernameLength = 63

    private let registry = ConnectionRegistry()

    var info: PluginInfo {
        PluginInfo(
            name: "postgresql-database-plugin",
            version: "0.1.0",
            protocolVersions: [pluginProtocolVersion],
            // Vault's PostgreSQL default, so names look the same as under Vault.
            defaultUsernameTemplate:
                #"{{ printf "v-%s-%s-%s-%s" (.DisplayName | truncate 8) (.RoleName | truncate 8) (random 20) (unix_time) | truncate 63 }}"#,
            maxUsernameLength: Self.maxUsernameLength
        )
    }

    func initialize(_ request: InitializeRequest) async throws -> InitializeResult {
        let settings = try ConnectionSettings(config: request.config)
        do throws(PostgreSQLFailure) {
            try PostgreSQLConnection.validate(connectionString: settings.connectionString(), redactor: settings.redactor)
        } catch {
            throw error.pluginError
        }
        let pool = ConnectionPool(name: request.connection, limits: settings.limits, target: settings.connectTarget())
        if request.verifyConnection {
            do throws(PostgreSQLFailure) {
                let connection = try await pool.acquire()
                await pool.release(connection, broken: false)
            } catch {
                await pool.close()
                throw error.pluginError
            }
        }
        await registry.install(ConfiguredConnection(settings: settings, pool: pool), as: request.connection)
        return InitializeResult(config: settings.rawConfig)
    }

    func newUser(_ request: NewUserRequest) async throws -> NewUserResult {
        let connection = try await registry.connection(request.connection)
        let statements = request.statements.flatMap(SQLStatementSplitter.split)
        guard !statements.isEmpty else {
            throw PluginError(.invalidRequest, "creation statements are required")
        }
        let username = Self.truncated(request.username)
        let password = connection.settings.storedPassword(request.password)
        let expiration = ExpirationFormat.postgreSQL(request.expiration)
        let render = { (statement: String) -> String in
            StatementTemplate.render(statement, username: username, password: password, expiration: expiration)
        }
        let redactor = connection.settings.redactor.adding([request.password, password])
        do throws(PostgreSQLFailure) {
            try await connection.runner.runTransaction(statements.map(render), redactor: redactor)
        } catch {
            // The transaction rolled back; the rollback statements undo anything that was not
            // transactional. Best effort: their failure must not hide the original error.
            let rollback = request.rollbackStatements.flatMap(SQLStatementSplitter.split).map(render)
            for statement in rollback {
                _ = try? await connection.runner.perform(idempotent: true) { pg, mode throws(AttemptFailure) in
                    try StatementRunner.single(StatementRunner.prefixed(statement, mode), on: pg, redactor: redactor)
                }
            }
            throw error.pluginError
        }
        return NewUserResult(username: username)
    }

    func renewUser(_ request: RenewUserRequest) async throws {
        let connection = try await registry.connection(request.connection)
        let expiration = ExpirationFormat.postgreSQL(request.expiration)
        let statements = request.statements.isEmpty
            ? DefaultStatements.renew(username: request.username, expiration: expiration)
            : Self.rendered(request.statements, username: request.username, expiration: expiration)
        do throws(PostgreSQLFailure) {
            try await connection.runner.runTransaction(statements, redactor: connection.settings.redactor)
        } catch {
            throw error.pluginError
        }
    }

    func revokeUser(_ request: RevokeUserRequest) async throws {
        let connection = try await registry.connection(request.connection)
        let redactor = connection.settings.redactor
        do throws(PostgreSQLFailure) {
            if request.statements.isEmpty {
                try await Self.revokeWithDefaults(
                    request.username, terminateSessions: connection.settings.terminateSessionsOnRevoke,
                    runner: connection.runner, redactor: redactor)
            } else {
                let statements = Self.rendered(request.statements, username: request.username)
                try await connection.runner.runTransaction(statements, redactor: redactor)
            }
        } catch {
            throw error.pluginError
        }
    }

    func rotateRoot(_ request: RotateRootRequest) async throws -> RotateRootResult {
        let connection = try await registry.connection(request.connection)
        let settings = connection.settings
        guard let username = settings.username, !username.isEmpty, settings.password != nil else {
            throw PluginError(.invalidRequest, "rotating the root credentials needs username and password in the connection config")
        }
        guard !request.newPassword.isEmpty else {
            throw PluginError(.invalidRequest, "the new root password is empty")
        }
        let password = settings.storedPassword(request.newPassword)
        let statements = request.statements.isEmpty
            ? DefaultStatements.setPassword(username: username, password: password)
            : Self.rendered(request.statements, username: username, password: password)
        let updated = settings.withPassword(request.newPassword)
        let redactor = updated.redactor.adding([password]).adding([settings.password])
        do throws(PostgreSQLFailure) {
            try await connection.runner.runTransaction(statements, redactor: redactor)
        } catch {
            throw error.pluginError
        }
        // Prove the new password works on a fresh connection before anyone persists it.
        do throws(PostgreSQLFailure) {
            let target = updated.connectTarget()
            let probe = try await PooledConnection.open(
                parameters: target.parameters.map { ($0.keyword, $0.value) }, redactor: target.redactor,
                generation: -1, name: "pg-verify")
            probe.close()
        } catch {
            throw PluginError(.connection, "the password was changed, but connecting with the new one failed: \(error.description)")
        }
        await connection.pool.replaceTarget(updated.connectTarget())
        await registry.update(updated, for: request.connection)
        return RotateRootResult(config: updated.rawConfig)
    }

    func setCredentials(_ request: SetCredentialsRequest) async throws {
        let connection = try await registry.connection(request.connection)
        let password = connection.settings.storedPassword(request.password)
        let statements = request.statements.isEmpty
            ? DefaultStatements.setPassword(username: request.username, password: password)
            : Self.rendered(request.statements, username: request.username, password: password)
        let redactor = connection.settings.redactor.adding([request.password, password])
        do throws(PostgreSQLFailure) {
            try await connection.runner.runTransaction(statements, redactor: redactor)
        } catch {
            throw error.pluginError
        }
    }

    func close(connection: String) async throws {
        await registry.remove(connection)
    }

    // MARK: helpers

    /// The pool of a connection (tests look at its counts).
    func pool(of connection: String) async throws -> ConnectionPool {
        try await registry.connection(connection).pool
    }

    /// The default revocation: one round trip to see whether the role exists, one for the whole
    /// revocation (several statements in one string run as one implicit transaction).
    /// A role that is gone, or goes while we work (a concurrent revoke), is success.
    private static func revokeWithDefaults(
        _ username: String, terminateSessions: Bool, runner: StatementRunner, redactor: SecretRedactor
    ) async throws(PostgreSQLFailure) {
        let revocation = DefaultStatements.revoke(username: username, terminateSessions: terminateSessions)
        try await runner.perform(idempotent: true) { connection, mode throws(AttemptFailure) in
            let rows = try StatementRunner.single(
                DefaultStatements.roleExistsQuery, parameters: [username], on: connection, redactor: redactor)
            guard !rows.isEmpty else { return }
            do throws(AttemptFailure) {
                _ = try StatementRunner.single(StatementRunner.prefixed(revocation, mode), on: connection, redactor: redactor)
            } catch where error.failure.isUndefinedObject {
                let stillThere = try StatementRunner.single(
                    DefaultStatements.roleExistsQuery, parameters: [username], on: connection, redactor: redactor)
                if !stillThere.isEmpty { throw error }
            }
        }
    }

    /// Splits the admin's statements first, then substitutes: a value can never add a statement.
    private static func rendered(
        _ statements: [String], username: String, password: String? = nil, expiration: String? = nil
    ) -> [String] {
        statements.flatMap(SQLStatementSplitter.split).map {
            StatementTemplate.render($0, username: username, password: password, expiration: expiration)
        }
    }

    /// At most 63 bytes, cut on a character boundary.
    static func truncated(_ username: String) -> String {
        guard username.utf8.count > maxUsernameLength else { return username }
        var result = ""
        for character in username {
            guard result.utf8.count + character.utf8.count <= maxUsernameLength else { break }
            result.append(character)
        }
        return result
    }
}

extension ConnectionSettings {
    /// What `{{password}}` becomes: the password, or its SCRAM verifier.
    func storedPassword(_ password: String) -> String {
        switch passwordAuthentication {
        case .password: password
        case .scramSHA256: SCRAMVerifier.make(password: password)
        }
    }
}

extension PostgreSQLFailure {
    var pluginError: PluginError {
        switch kind {
        case .connect:
            PluginError(.connection, "cannot connect to PostgreSQL: \(message)")
        case .malformedConnectionString:
            PluginError(.invalidRequest, "connection_url is malformed: \(message)")
        case .connectionLost:
            PluginError(.connection, "lost the connection to PostgreSQL: \(description)")
        case .server:
            isConnectionLoss
                ? PluginError(.connection, "lost the connection to PostgreSQL: \(description)")
                : PluginError(.database, description)
        }
    }
}
