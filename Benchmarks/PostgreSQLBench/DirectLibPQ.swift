import CLibPQ
import Foundation
import Synchronization

/// The baseline: the same transactions straight over libpq, one OS thread and one connection
/// per concurrent caller, retrying conflicts like the plugin does.
enum DirectLibPQ {
    /// Runs `transactions(index)` for index in 0..<total on `concurrency` threads; returns seconds.
    static func run(conninfo: String, concurrency: Int, total: Int, transactions: @escaping @Sendable (Int) -> [String]) throws -> Double {
        let next = SharedCounter()
        let failures = SharedCounter()
        let done = DispatchGroup()
        var connections: [OpaquePointer] = []
        for _ in 0..<concurrency {
            guard let connection = PQconnectdb(conninfo), PQstatus(connection) == CONNECTION_OK else {
                throw BenchError.connect
            }
            PQsetNoticeProcessor(connection, { _, _ in }, nil)
            connections.append(connection)
        }
        let start = ContinuousClock.now
        for connection in connections {
            let box = ConnectionBox(connection: connection)
            done.enter()
            Thread {
                while true {
                    let index = next.increment()
                    if index >= total { break }
                    if !runTransaction(box.connection, transactions(index)) {
                        _ = failures.increment()
                    }
                }
                done.leave()
            }.start()
        }
        done.wait()
        let elapsed = start.duration(to: .now)
        connections.forEach { PQfinish($0) }
        if failures.value > 0 {
            print("  (direct: \(failures.value) transactions failed)")
        }
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    /// Runs one statement on a fresh connection (set-up).
    static func execute(conninfo: String, _ sql: String) throws {
        guard let connection = PQconnectdb(conninfo), PQstatus(connection) == CONNECTION_OK else { throw BenchError.connect }
        defer { PQfinish(connection) }
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
        let result = PQexec(connection, sql)
        defer { PQclear(result) }
        guard PQresultStatus(result) == PGRES_COMMAND_OK else { throw BenchError.call("set-up statement failed") }
    }

    /// BEGIN, statements, COMMIT; on 40001/40P01/XX000 ROLLBACK and retry after a jittered pause.
    private static func runTransaction(_ connection: OpaquePointer, _ statements: [String]) -> Bool {
        for attempt in 1...13 {
            var failedState: String?
            // The plugin's shape: BEGIN, then the statements and COMMIT in one message.
            for statement in ["BEGIN", (statements + ["COMMIT"]).joined(separator: "\n;\n")] {
                let result = PQexec(connection, statement)
                let status = PQresultStatus(result)
                if status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK {
                    failedState = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) } ?? "?"
                    PQclear(result)
                    PQclear(PQexec(connection, "ROLLBACK"))
                    break
                }
                PQclear(result)
            }
            guard let state = failedState else { return true }
            guard ["40001", "40P01", "XX000"].contains(state) else { return false }
            usleep(UInt32.random(in: 500...UInt32(1 << min(attempt + 1, 6)) * 1000))
        }
        return false
    }
}

private struct ConnectionBox: @unchecked Sendable {
    let connection: OpaquePointer
}

enum BenchError: Error {
    case connect
    case call(String)
}

/// A counter shared by concurrent workers.
final class SharedCounter: Sendable {
    private let atomic = Atomic<Int>(0)

    /// Returns the value before incrementing.
    func increment() -> Int { atomic.add(1, ordering: .relaxed).oldValue }

    var value: Int { atomic.load(ordering: .relaxed) }
}
