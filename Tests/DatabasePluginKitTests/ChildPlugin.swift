import DatabasePluginKit
import Foundation
import Synchronization
import Testing

/// A plugin binary started as a child process, spoken to over pipes the way the host does.
/// Used from one test task at a time; a hung plugin is caught by the tests' `.timeLimit`
/// (every wait here is an AsyncStream, which ends when the test task is cancelled).
final class ChildPlugin {
    private let process: Process
    private let stdin: FileHandle
    private var lines: AsyncStream<String>.Iterator
    private var exit: AsyncStream<Int32>.Iterator
    private let stderrBytes = ByteCollector()
    private let stderrDone: AsyncStream<Void>

    init(_ command: [String], protocolMarker: String? = String(pluginProtocolVersion)) throws {
        // A plugin that dies early must fail the test, not kill the test runner with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        process = Process()
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        var environment = ProcessInfo.processInfo.environment
        environment[pluginProtocolEnvironmentKey] = protocolMarker
        process.environment = environment
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        stdin = input.fileHandleForWriting

        let (exit, exitContinuation) = AsyncStream.makeStream(of: Int32.self)
        self.exit = exit.makeAsyncIterator()
        process.terminationHandler = { process in
            exitContinuation.yield(process.terminationStatus)
            exitContinuation.finish()
        }

        let (lines, lineContinuation) = AsyncStream.makeStream(of: String.self)
        self.lines = lines.makeAsyncIterator()
        let (stderrDone, stderrContinuation) = AsyncStream.makeStream(of: Void.self)
        self.stderrDone = stderrDone
        try process.run()

        // Plain threads with blocking reads: the pipes are drained whatever the tests await.
        let stdout = output.fileHandleForReading
        Thread {
            var pending = Data()
            while case let chunk = stdout.availableData, !chunk.isEmpty {
                pending.append(chunk)
                while let newline = pending.firstIndex(of: 0x0A) {
                    lineContinuation.yield(String(decoding: pending[pending.startIndex..<newline], as: UTF8.self))
                    pending.removeSubrange(pending.startIndex...newline)
                }
            }
            lineContinuation.finish()
        }.start()
        let stderr = errors.fileHandleForReading
        Thread { [stderrBytes] in
            while case let chunk = stderr.availableData, !chunk.isEmpty {
                stderrBytes.append(chunk)
            }
            stderrContinuation.finish()
        }.start()
    }

    deinit {
        if process.isRunning { process.terminate() }
    }

    func send(_ line: String) throws {
        try stdin.write(contentsOf: Data((line + "\n").utf8))
    }

    func send(id: Int, method: String, params: JSONValue = [:]) throws {
        let request = RPCRequest(id: id, method: method, params: params)
        try stdin.write(contentsOf: try JSONEncoder().encode(request) + Data("\n".utf8))
    }

    func closeInput() throws {
        try stdin.close()
    }

    /// The next stdout line; nil once stdout is closed.
    func nextLine() async -> String? {
        await lines.next()
    }

    func nextResponse() async throws -> RPCResponse {
        let line = try #require(await nextLine(), "plugin closed stdout")
        return try JSONDecoder().decode(RPCResponse.self, from: Data(line.utf8))
    }

    /// Sends one request and reads one response (only when nothing else is in flight).
    func call(id: Int, method: String, params: JSONValue = [:]) async throws -> RPCResponse {
        try send(id: id, method: method, params: params)
        let response = try await nextResponse()
        #expect(response.id == id)
        return response
    }

    func exitStatus() async -> Int32? {
        await exit.next()
    }

    /// Everything the plugin wrote to stderr; call after it exited.
    func stderrText() async -> String {
        for await _ in stderrDone {}
        return String(decoding: stderrBytes.bytes, as: UTF8.self)
    }
}

/// Bytes appended by a reader thread, read by the test.
private final class ByteCollector: Sendable {
    private let storage = Mutex<[UInt8]>([])

    var bytes: [UInt8] { storage.withLock { $0 } }

    func append(_ data: Data) {
        storage.withLock { $0.append(contentsOf: data) }
    }
}
