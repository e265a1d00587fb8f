/// Why one attempt failed, as seen on the connection's thread.
struct AttemptFailure: Error, Sendable {
    var failure: PostgreSQLFailure
    /// libpq saw the connection fail: the pool must discard it.
    var connectionBroken: Bool
    /// The connection died after COMMIT was sent: the change may or may not have been committed.
    var outcomeUnknown: Bool
}

/// Runs work on a pooled connection, replacing a dropped connection (retrying once when nothing
/// can have been committed) and retrying serialisation conflicts with jittered back-off.
struct StatementRunner: Sendable {
    let pool: ConnectionPool
    var maxConflictRetries = 12

    /// Runs `statements` in one transaction: all or nothing.
    func runTransaction(_ statements: [String], redactor: SecretRedactor) async throws(PostgreSQLFailure) {
        try await perform(idempotent: false) { connection throws(AttemptFailure) in
            try Self.transaction(statements, on: connection, redactor: redactor)
        }
    }

    /// Runs `body` on a pooled connection's thread. `idempotent` work is retried after a
    /// dropped connection even when the outcome of its commit is unknown.
    func perform<Result: Sendable>(
        idempotent: Bool,
        _ body: @escaping @Sendable (PostgreSQLConnection) throws(AttemptFailure) -> Result
    ) async throws(PostgreSQLFailure) -> Result {
        var reconnected = false
        var conflicts = 0
        while true {
            let connection = try await pool.acquire()
            do throws(AttemptFailure) {
                let result = try await connection.withConnection(body)
                await pool.release(connection, broken: false)
                return result
            } catch {
                let lost = error.connectionBroken || error.failure.isConnectionLoss
                await pool.release(connection, broken: lost)
                if lost { await pool.discardIdleConnections() }
                if error.failure.isConnectionLoss && !reconnected && (idempotent || !error.outcomeUnknown) {
                    reconnected = true
                    continue
                }
                if error.failure.isTransientConflict && conflicts < maxConflictRetries {
                    conflicts += 1
                    await Self.backOff(attempt: conflicts)
                    continue
                }
                throw error.failure
            }
        }
    }

    /// BEGIN alone (a pooled connection found dead here has run nothing: safe to retry), then the
    /// statements and COMMIT in ONE message: one round trip, and the time between a catalog update
    /// (GRANT) and its commit, in which concurrent calls conflict on it, stays inside the server.
    /// The statements were split by SQLStatementSplitter, so each is complete; the newlines end
    /// any trailing `--` comment. After a failure the aborted transaction is rolled back.
    static func transaction(
        _ statements: [String], on connection: PostgreSQLConnection, redactor: SecretRedactor
    ) throws(AttemptFailure) {
        do throws(PostgreSQLFailure) {
            try connection.execute("BEGIN", redactor: redactor)
        } catch {
            throw AttemptFailure(failure: error, connectionBroken: connection.isBroken, outcomeUnknown: false)
        }
        do throws(PostgreSQLFailure) {
            try connection.execute((statements + ["COMMIT"]).joined(separator: "\n;\n"), redactor: redactor)
        } catch {
            if !connection.isBroken && connection.isInTransaction {
                _ = try? connection.execute("ROLLBACK", redactor: redactor)
            }
            throw AttemptFailure(failure: error, connectionBroken: connection.isBroken, outcomeUnknown: error.isConnectionLoss)
        }
    }

    /// Runs one (possibly multi-statement) string as it is: autocommit, or one implicit
    /// transaction for several statements.
    static func single(
        _ sql: String, parameters: [String]? = nil, on connection: PostgreSQLConnection, redactor: SecretRedactor
    ) throws(AttemptFailure) -> [[String?]] {
        do throws(PostgreSQLFailure) {
            if let parameters {
                return try connection.execute(sql, parameters: parameters, redactor: redactor)
            }
            return try connection.execute(sql, redactor: redactor)
        } catch {
            throw AttemptFailure(failure: error, connectionBroken: connection.isBroken, outcomeUnknown: error.isConnectionLoss)
        }
    }

    /// Full jitter: a random pause up to 2^(attempt+1) ms (capped at 64 ms), so conflicting calls
    /// spread out instead of colliding again in lockstep.
    private static func backOff(attempt: Int) async {
        let ceiling = 1 << min(attempt + 1, 6)
        try? await Task.sleep(for: .microseconds(Int.random(in: 500...(ceiling * 1000))))
    }
}
