/// Why one attempt failed, as seen on the connection's thread.
struct AttemptFailure: Error, Sendable {
    var failure: PostgreSQLFailure
    /// libpq saw the connection fail: the pool must discard it.
    var connectionBroken: Bool
    /// The connection died after COMMIT was sent: the change may or may not have been committed.
    var outcomeUnknown: Bool
}

/// Whether an attempt must take the catalog lock first (see `StatementRunner.catalogLock`).
enum AttemptMode: Sendable {
    /// First attempt: no lock, so uncontended calls stay fully parallel.
    case parallel
    /// A retry after a conflict: serialise with the other retries.
    case serialised
}

/// Runs work on a pooled connection, replacing a dropped connection (retrying once when nothing
/// can have been committed) and retrying serialisation conflicts with jittered back-off.
///
/// Retries take a transaction-scoped advisory lock first: concurrent catalog changes (GRANT on
/// the same tables, REASSIGN/DROP OWNED) conflict with each other, and replaying them all in
/// parallel only conflicts again (a retry storm). Serialised retries finish one after another.
struct StatementRunner: Sendable {
    let pool: ConnectionPool
    /// Generous: a retry waits for the lock instead of colliding, so it rarely needs many, but a
    /// call under heavy contention (first attempts keep arriving unlocked) must not fail.
    var maxConflictRetries = 60

    /// A fixed advisory-lock key for Custos catalog changes ("custos" in ASCII, then 1).
    static let catalogLockKey: Int64 = 0x6375_7374_6F73_0001
    /// Held until the end of the (possibly implicit) transaction it runs in.
    static let catalogLock = "SELECT pg_advisory_xact_lock(\(catalogLockKey))"
    /// A first attempt that has to wait for a row lock is contended: concurrent unlocked
    /// attempts lock the same catalog rows in differing orders and deadlock, which PostgreSQL
    /// only detects after deadlock_timeout (1 s). Giving up early (55P03) and retrying
    /// serialised is far cheaper. Uncontended calls never wait, so this never touches them.
    static let firstAttemptLockTimeout = "SET LOCAL lock_timeout = '100ms'"

    /// What an attempt runs first, in its transaction: the lock timeout on a first attempt,
    /// the catalog lock on a retry.
    static func preamble(_ mode: AttemptMode) -> String {
        mode == .serialised ? catalogLock : firstAttemptLockTimeout
    }

    /// `sql` preceded by the attempt's preamble; several statements in one string run as one
    /// implicit transaction, so the lock (and the timeout) last until it ends.
    static func prefixed(_ sql: String, _ mode: AttemptMode) -> String {
        preamble(mode) + ";\n" + sql
    }

    /// Runs `statements` in one transaction: all or nothing.
    func runTransaction(_ statements: [String], redactor: SecretRedactor) async throws(PostgreSQLFailure) {
        try await perform(idempotent: false) { connection, mode throws(AttemptFailure) in
            try Self.transaction(statements, on: connection, mode: mode, redactor: redactor)
        }
    }

    /// Runs `body` on a pooled connection's thread. `idempotent` work is retried after a
    /// dropped connection even when the outcome of its commit is unknown. `body` gets
    /// `.serialised` on a retry after a conflict and must then take `catalogLock` first.
    func perform<Result: Sendable>(
        idempotent: Bool,
        _ body: @escaping @Sendable (PostgreSQLConnection, AttemptMode) throws(AttemptFailure) -> Result
    ) async throws(PostgreSQLFailure) -> Result {
        var reconnected = false
        var conflicts = 0
        while true {
            let connection = try await pool.acquire()
            let mode: AttemptMode = conflicts == 0 ? .parallel : .serialised
            do throws(AttemptFailure) {
                let result = try await connection.withConnection { pg throws(AttemptFailure) in try body(pg, mode) }
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
                let contended = error.failure.isTransientConflict || (mode == .parallel && error.failure.isLockTimeout)
                if contended && conflicts < maxConflictRetries {
                    conflicts += 1
                    await Self.backOff(attempt: conflicts)
                    continue
                }
                throw error.failure
            }
        }
    }

    /// BEGIN and the attempt's preamble (a pooled connection found dead here has run nothing:
    /// safe to retry), then the statements and COMMIT in ONE message: one round trip, and the
    /// time between a catalog update (GRANT) and its commit, in which concurrent calls conflict
    /// on it, stays inside the server. The statements were split by SQLStatementSplitter, so
    /// each is complete; the newlines end any trailing `--` comment. After a failure the aborted
    /// transaction is rolled back.
    static func transaction(
        _ statements: [String], on connection: PostgreSQLConnection, mode: AttemptMode = .parallel,
        redactor: SecretRedactor
    ) throws(AttemptFailure) {
        do throws(PostgreSQLFailure) {
            try connection.execute("BEGIN;\n" + preamble(mode), redactor: redactor)
        } catch {
            if !connection.isBroken && connection.isInTransaction {
                _ = try? connection.execute("ROLLBACK", redactor: redactor)
            }
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
    /// spread out instead of colliding again in lockstep; the lock does the rest.
    private static func backOff(attempt: Int) async {
        let ceiling = 1 << min(attempt + 1, 6)
        try? await Task.sleep(for: .microseconds(Int.random(in: 500...(ceiling * 1000))))
    }
}
