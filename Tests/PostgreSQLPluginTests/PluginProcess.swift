import DatabasePluginKit
import Foundation
import Testing

/// The built `postgresql-database-plugin`, driven over its stdin/stdout like the host does.
final class PluginProcess: @unchecked Sendable {
    let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private let error = Pipe()
    let lines: AsyncStream<String>
    private var iterator: AsyncStream<String>.Iterator
    private var nextID = 1

    /// Next to the test bundle in the build directory (SwiftPM builds it for this test target).
    static func binaryURL() throws -> URL {
        let candidates = [
            Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent(),
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
        ].map { $0.appendingPathComponent("postgresql-database-plugin") }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            Issue.record("postgresql-database-plugin is not built next to the tests (looked in \(candidates.map(\.path)))")
            throw TestSetupError.pluginBinaryMissing
        }
        return found
    }

    init(environment: [String: String] = [pluginProtocolEnvironmentKey: "1"]) throws {
        process.executableURL = try Self.binaryURL()
        process.environment = ProcessInfo.processInfo.environment.filter { $0.key != pluginProtocolEnvironmentKey }
            .merging(environment) { _, new in new }
        process.standardInput = input
        process.standardOutput = output
        process.standardError = error
        let (stream, continuation) = AsyncStream<String>.makeStream()
        lines = stream
        iterator = stream.makeAsyncIterator()
        let handle = output.fileHandleForReading
        // A plain thread reads the pipe (blocking reads stay off the cooperative pool).
        Thread {
            var buffer = Data()
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                buffer.append(chunk)
                while let newline = buffer.firstIndex(of: 0x0A) {
                    continuation.yield(String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self))
                    buffer.removeSubrange(buffer.startIndex...newline)
                }
            }
            continuation.finish()
        }.start()
        try process.run()
    }

    func sendRaw(_ line: String) {
        input.fileHandleForWriting.write(Data((line + "\n").utf8))
    }

    func send(_ method: PluginMethod, _ params: some Encodable) throws -> Int {
        let id = nextID
        nextID += 1
        let paramsData = try PluginJSON.encoder.encode(params)
        let paramsValue = try PluginJSON.decoder.decode(JSONValue.self, from: paramsData)
        let data = try PluginJSON.encoder.encode(RPCRequest(id: id, method: method, params: paramsValue))
        sendRaw(String(decoding: data, as: UTF8.self))
        return id
    }

    func nextResponse() async throws -> RPCResponse {
        guard let line = await iterator.next() else { throw PluginProcessError.closedOutput }
        return try PluginJSON.decoder.decode(RPCResponse.self, from: Data(line.utf8))
    }

    /// Sends one request and waits for its answer.
    func call(_ method: PluginMethod, _ params: some Encodable) async throws -> RPCResponse {
        let id = try send(method, params)
        let response = try await nextResponse()
        #expect(response.id == id)
        return response
    }

    func closeInput() throws {
        try input.fileHandleForWriting.close()
    }

    func standardErrorText() -> String {
        String(decoding: error.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    }

    /// Waits for the exit without blocking a cooperative thread.
    func exitStatus() async -> Int32 {
        await withCheckedContinuation { continuation in
            let process = self.process
            Thread {
                process.waitUntilExit()
                continuation.resume(returning: process.terminationStatus)
            }.start()
        }
    }
}

enum PluginProcessError: Error {
    case closedOutput
}
