import CLibPQ
import Foundation

/// The baseline: the SQL the plugin runs, straight over libpq, one OS thread and one connection
/// per concurrent client, in the plugin's shape (two round trips per transaction, the same lock
/// timeout, conflicts retried after a jittered pause under the same advisory lock).
enum RawSQL {
    enum Operation: Sendable {
        /// BEGIN + preamble, then the statements and COMMIT in one message (NewUser, RenewUser).
        case transaction([String])
        /// The plugin's default revocation: does the role exist, then one implicit transaction.
        case defaultRevoke(username: String)
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static let lockTimeout = "SET LOCAL lock_timeout = '100ms'"
    static let catalogLock = "SELECT pg_advisory_xact_lock(\(0x6375_7374_6F73_0001 as Int64))"

    /// Runs `operation(index)` for 0..<total on `concurrency` threads, timing each.
    static func run(conninfo: String, concurrency: Int, total: Int, _ operation: @escaping @Sendable (Int) -> Operation) throws -> Sample {
        let connections = try (0..<concurrency).map { _ in try connect(conninfo) }
        defer { connections.forEach { PQfinish($0.pointer) } }
        let next = SharedCounter()
        let results = Locked<[([Duration], Int, String?)]>([])
        let done = DispatchGroup()
        let start = ContinuousClock.now
        for connection in connections {
            done.enter()
            Thread {
                var latencies: [Duration] = []
                var failures = 0
                var firstError: String?
                while true {
                    let index = next.increment()
                    if index >= total { break }
                    let began = ContinuousClock.now
                    if let error = perform(operation(index), on: connection.pointer) {
                        failures += 1
                        if firstError == nil { firstError = error }
                    } else {
                        latencies.append(began.duration(to: .now))
                    }
                }
                results.withLock { $0.append((latencies, failures, firstError)) }
                done.leave()
            }.start()
        }
        done.wait()
        let seconds = start.duration(to: .now).seconds
        let all = results.withLock { $0 }
        if let error = all.compactMap(\.2).first {
            Report.line("  (raw: \(all.map(\.1).reduce(0, +)) of \(total) failed; first: SQLSTATE \(error))")
        }
        return Sample(latencies: all.flatMap(\.0), seconds: seconds, failures: all.map(\.1).reduce(0, +))
    }

    /// Runs SQL on a fresh connection; the first column of each row.
    @discardableResult
    static func query(conninfo: String, _ sql: String) throws -> [String] {
        let connection = try connect(conninfo).pointer
        defer { PQfinish(connection) }
        let result = PQexec(connection, sql)
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            throw Failure(description: "set-up SQL failed: SQLSTATE \(sqlState(result))")
        }
        return (0..<PQntuples(result)).map { String(cString: PQgetvalue(result, $0, 0)) }
    }

    private struct Connection: @unchecked Sendable {
        let pointer: OpaquePointer
    }

    private static func connect(_ conninfo: String) throws -> Connection {
        guard let connection = PQconnectdb(conninfo), PQstatus(connection) == CONNECTION_OK else {
            throw Failure(description: "cannot connect to PostgreSQL")
        }
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
        return Connection(pointer: connection)
    }

    /// nil on success, else the SQLSTATE of the last failure.
    private static func perform(_ operation: Operation, on connection: OpaquePointer) -> String? {
        var state = ""
        for attempt in 0...60 {
            let preamble = attempt == 0 ? lockTimeout : catalogLock
            switch operation {
            case .transaction(let statements):
                state = exec(connection, "BEGIN;\n" + preamble)
                if state.isEmpty { state = exec(connection, (statements + ["COMMIT"]).joined(separator: "\n;\n")) }
                if !state.isEmpty { _ = exec(connection, "ROLLBACK") }
            case .defaultRevoke(let username):
                guard roleExists(connection, username) else { return nil }
                state = exec(connection, preamble + ";\n" + defaultRevocation(username))
            }
            if state.isEmpty { return nil }
            let contended = ["40001", "40P01", "XX000"].contains(state) || (attempt == 0 && state == "55P03")
            guard contended else { return state }
            usleep(UInt32.random(in: 500...UInt32(1 << min(attempt + 2, 6)) * 1000))
        }
        return state
    }

    /// The plugin's default revocation statements (Plugins/PostgreSQL/SQLQuoting.swift), sent as
    /// one string.
    static func defaultRevocation(_ username: String) -> String {
        let role = "\"" + username + "\"", literal = "'" + username + "'"
        return [
            "ALTER ROLE \(role) NOLOGIN",
            "SELECT pg_catalog.pg_terminate_backend(pid) FROM pg_catalog.pg_stat_activity "
                + "WHERE usename = \(literal) AND pid <> pg_catalog.pg_backend_pid()",
            "REASSIGN OWNED BY \(role) TO CURRENT_USER",
            "DROP OWNED BY \(role)",
            "DROP ROLE IF EXISTS \(role)",
        ].joined(separator: "; ")
    }

    private static func exec(_ connection: OpaquePointer, _ sql: String) -> String {
        let result = PQexec(connection, sql)
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK ? "" : sqlState(result)
    }

    private static func roleExists(_ connection: OpaquePointer, _ username: String) -> Bool {
        username.withCString { name in
            var values: [UnsafePointer<CChar>?] = [name]
            let result = PQexecParams(connection, "SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = $1", 1, nil, &values, nil, nil, 0)
            defer { PQclear(result) }
            return PQntuples(result) > 0
        }
    }

    private static func sqlState(_ result: OpaquePointer?) -> String {
        PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) } ?? "?"
    }
}

/// A value behind a lock, for the threads' results.
final class Locked<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()

    init(_ value: Value) { self.value = value }

    func withLock<Result>(_ body: (inout Value) -> Result) -> Result {
        lock.withLock { body(&value) }
    }
}
