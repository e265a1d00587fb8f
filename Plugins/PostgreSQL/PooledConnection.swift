import Foundation

/// A libpq connection bound to its own thread. The pool hands it to one caller at a time; the
/// caller's work runs on the connection's thread with direct access to the connection.
final class PooledConnection: @unchecked Sendable {
    let createdAt: ContinuousClock.Instant
    /// Pool generation the connection was opened under (bumped when the root password rotates).
    let generation: Int
    private let worker: BlockingWorker
    // Only touched on `worker`'s thread.
    private let connection: PostgreSQLConnection

    private init(worker: BlockingWorker, connection: PostgreSQLConnection, generation: Int) {
        self.worker = worker
        self.connection = connection
        self.generation = generation
        self.createdAt = .now
    }

    /// Opens a connection on a fresh thread (connecting blocks too).
    static func open(
        parameters: [(keyword: String, value: String)], redactor: SecretRedactor, generation: Int, name: String
    ) async throws(PostgreSQLFailure) -> PooledConnection {
        let worker = BlockingWorker(name: name)
        let sendableParameters = parameters.map { ConnectionParameter(keyword: $0.keyword, value: $0.value) }
        do throws(PostgreSQLFailure) {
            let box = try await worker.run { () throws(PostgreSQLFailure) -> ConnectionBox in
                let pairs = sendableParameters.map { (keyword: $0.keyword, value: $0.value) }
                return ConnectionBox(try PostgreSQLConnection.connect(pairs, redactor: redactor))
            }
            return PooledConnection(worker: worker, connection: box.connection, generation: generation)
        } catch {
            worker.stop()
            throw error
        }
    }

    /// Runs `body` with the connection on the connection's own thread.
    func withConnection<Result: Sendable, Failure: Error>(
        _ body: @escaping @Sendable (PostgreSQLConnection) throws(Failure) -> Result
    ) async throws(Failure) -> Result {
        let connection = ConnectionBox(self.connection)
        return try await worker.run { () throws(Failure) -> Result in try body(connection.connection) }
    }

    /// Closes the connection on its thread, then ends the thread; returns at once (the close
    /// goes after any job still queued, and nobody waits for it).
    func close() {
        let box = ConnectionBox(connection)
        worker.submit { box.close() }
        worker.stop()
    }

    deinit {
        worker.stop()
    }
}

struct ConnectionParameter: Sendable {
    var keyword: String
    var value: String
}

/// Moves the non-Sendable connection to its own thread; safe because only that thread uses it.
private struct ConnectionBox: @unchecked Sendable {
    let connection: PostgreSQLConnection
    init(_ connection: PostgreSQLConnection) { self.connection = connection }
    func close() { connection.close() }
}
