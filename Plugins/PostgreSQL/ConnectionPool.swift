/// Limits of a connection pool, from the connection's config.
struct PoolLimits: Sendable, Equatable {
    var maxOpen: Int
    var maxIdle: Int
    /// nil: connections live until they break or the pool closes.
    var maxLifetime: Duration?
}

/// How to reach the database: libpq parameters plus the secrets to scrub from messages.
struct ConnectTarget: Sendable {
    var parameters: [ConnectionParameter]
    var redactor: SecretRedactor
}

/// The connections of one configured `connection`, shared by concurrent calls. At most
/// `maxOpen` connections exist; callers beyond that wait for one to be released.
actor ConnectionPool {
    private let name: String
    private let limits: PoolLimits
    private var target: ConnectTarget
    private var generation = 0
    private var idle: [PooledConnection] = []
    /// Connections open or being opened (idle + in use + connecting).
    private var openCount = 0
    /// What a waiting caller is handed.
    private enum Handover: Sendable {
        case connection(PooledConnection)
        /// A connection was discarded; its slot is yours: open a new one.
        case slot
        case poolClosed
    }
    private var waiters: [CheckedContinuation<Handover, Never>] = []
    private var isClosed = false

    init(name: String, limits: PoolLimits, target: ConnectTarget) {
        self.name = name
        self.limits = limits
        self.target = target
    }

    /// Takes a connection for exclusive use; give it back with `release`.
    func acquire() async throws(PostgreSQLFailure) -> PooledConnection {
        guard !isClosed else { throw Self.closedFailure }
        while let connection = idle.popLast() {
            if isUsable(connection) { return connection }
            discard(connection)
        }
        if openCount < limits.maxOpen {
            openCount += 1
            return try await openConnection()
        }
        switch await withCheckedContinuation({ waiters.append($0) }) {
        case .connection(let connection):
            return connection
        case .slot:
            return try await openConnection()
        case .poolClosed:
            throw Self.closedFailure
        }
    }

    /// Returns a connection. `broken` (libpq saw it fail) discards it.
    func release(_ connection: PooledConnection, broken: Bool) {
        guard !broken, !isClosed, isUsable(connection) else {
            connection.close()
            passSlotOn()
            return
        }
        if !waiters.isEmpty {
            waiters.removeFirst().resume(returning: .connection(connection))
        } else if idle.count < limits.maxIdle {
            idle.append(connection)
        } else {
            connection.close()
            openCount -= 1
        }
    }

    /// Connections open (idle, in use or connecting) and idle: for tests and diagnostics.
    var counts: (open: Int, idle: Int) { (openCount, idle.count) }

    /// After a connection was found dead: its idle siblings most likely died with it (server
    /// restart), so close them rather than hand them out one failure at a time.
    func discardIdleConnections() {
        for connection in idle {
            discard(connection)
        }
        idle.removeAll()
    }

    /// Switches to new credentials (root rotation): idle connections close now, busy ones when
    /// released; new connections use `target`.
    func replaceTarget(_ target: ConnectTarget) {
        self.target = target
        generation += 1
        for connection in idle {
            discard(connection)
        }
        idle.removeAll()
    }

    /// Closes idle connections now and busy ones when released; later acquires fail.
    func close() {
        isClosed = true
        for connection in idle {
            connection.close()
        }
        openCount -= idle.count
        idle.removeAll()
        for waiter in waiters {
            waiter.resume(returning: .poolClosed)
        }
        waiters.removeAll()
    }

    /// Opens a connection into a slot already counted in `openCount`.
    private func openConnection() async throws(PostgreSQLFailure) -> PooledConnection {
        let target = self.target
        do throws(PostgreSQLFailure) {
            return try await PooledConnection.open(
                parameters: target.parameters.map { ($0.keyword, $0.value) },
                redactor: target.redactor,
                generation: generation,
                name: "pg-\(name)"
            )
        } catch {
            passSlotOn()
            throw error
        }
    }

    private func isUsable(_ connection: PooledConnection) -> Bool {
        guard connection.generation == generation else { return false }
        if let maxLifetime = limits.maxLifetime, connection.createdAt.duration(to: .now) > maxLifetime {
            return false
        }
        return true
    }

    private func discard(_ connection: PooledConnection) {
        connection.close()
        openCount -= 1
    }

    /// A slot freed up (connection discarded or failed to open): a waiter may open in it.
    private func passSlotOn() {
        if !waiters.isEmpty && !isClosed {
            waiters.removeFirst().resume(returning: .slot)
        } else {
            openCount -= 1
        }
    }

    private static let closedFailure = PostgreSQLFailure(.connect, message: "the connection was closed")
}
