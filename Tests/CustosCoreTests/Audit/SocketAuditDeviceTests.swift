@testable import CustosCore
import Foundation
import Glibc
import Synchronization
import Testing

/// The socket device waits for a collector on its own queue, never on the concurrency pool.
@Suite("socket audit device")
struct SocketAuditDeviceTests {
    @Test(.timeLimit(.minutes(1))) func aCollectorThatStopsReadingHoldsNoPoolThread() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("custos-sock-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let socketPath = directory.appendingPathComponent("c.sock").path
        let listener = try unixListener(at: socketPath)
        // Long enough that no send times out before the check below on a loaded machine; the test
        // ends the sends by closing the listener. (Writers that blocked pool threads would finish
        // only by timing out, and the check would see it.)
        let device = SocketAuditDevice(.init(network: .unix, address: socketPath, writeTimeoutMilliseconds: 10_000))
        // Far more than a connection's buffer: the first send blocks until the collector reads.
        let line = [UInt8](repeating: UInt8(ascii: "x"), count: 8 << 20)
        // More writers than the pool has threads: had each blocked its thread, nothing else would run.
        let writers = ProcessInfo.processInfo.activeProcessorCount * 2 + 2
        let finished = Counter()
        let failed = Counter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<writers {
                group.addTask {
                    do { try await device.write(line) } catch { failed.increment() }
                    finished.increment()
                }
            }
            // Another task gets a pool thread while every writer still waits for the collector.
            let whileStuck = await Task.detached { finished.value }.value
            #expect(whileStuck == 0)
            // The collector goes away: the stuck send fails at once, and so does every retry.
            close(listener)
            try FileManager.default.removeItem(atPath: socketPath)
            try await group.waitForAll()
        }
        #expect(finished.value == writers)
        #expect(failed.value == writers)
        device.close()
        await #expect(throws: AuditWriteError.self) { try await device.write(Array("late\n".utf8)) }
    }

    @Test func linesArriveWholeAndInOrder() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("custos-sock-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let socketPath = directory.appendingPathComponent("c.sock").path
        let listener = try unixListener(at: socketPath)
        defer { close(listener) }
        let device = SocketAuditDevice(.init(network: .unix, address: socketPath, writeTimeoutMilliseconds: 5000))
        for index in 0..<100 { try await device.write(Array("line \(index)\n".utf8)) }
        // reopen: the next line goes over a new connection, after the earlier ones.
        try device.reopen()
        try await device.write(Array("after reopen\n".utf8))
        device.close()

        var received: [String] = []
        for _ in 0..<2 {
            let connection = accept(listener, nil, nil)
            #expect(connection >= 0)
            var text = ""
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = recv(connection, &buffer, buffer.count, 0)
                guard count > 0 else { break }
                text += String(decoding: buffer[0..<count], as: UTF8.self)
            }
            close(connection)
            received += text.split(separator: "\n").map(String.init)
        }
        #expect(received == (0..<100).map { "line \($0)" } + ["after reopen"])
    }
}

private final class Counter: Sendable {
    private let count = Atomic<Int>(0)
    var value: Int { count.load(ordering: .relaxed) }
    func increment() { count.add(1, ordering: .relaxed) }
}
