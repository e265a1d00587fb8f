import DatabasePluginProtocol
import Foundation

/// Drives a plugin process over its pipes as the host does: many requests in flight on one
/// pipe, answers matched by id. Minimal on purpose (PluginHost's client was not ready).
final class WireDriver: @unchecked Sendable {
    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private let lock = NSLock()
    // Guarded by `lock`.
    private var pending: [Int: CheckedContinuation<Reply, Never>] = [:]
    private var nextID = 1

    init(pluginPath: String) throws {
        process.executableURL = URL(fileURLWithPath: pluginPath)
        var environment = ProcessInfo.processInfo.environment
        environment[pluginProtocolEnvironmentKey] = "\(pluginProtocolVersion)"
        process.environment = environment
        process.standardInput = input
        process.standardOutput = output
        let handle = output.fileHandleForReading
        Thread { [self] in readLoop(handle) }.start()
        try process.run()
    }

    /// The RPCRequest envelope with typed params: one encoding pass, as a lean host would do.
    private struct Envelope<Params: Encodable>: Encodable {
        var jsonrpc = "2.0"
        var id: Int
        var method: String
        var params: Params
    }

    /// Only what the bench needs from a response: its id and error (the result is skipped).
    struct Reply: Decodable {
        var id: Int?
        var error: RPCErrorObject?
    }

    func call(_ method: PluginMethod, _ params: some Encodable) async throws -> Reply {
        let id = lock.withLock {
            defer { nextID += 1 }
            return nextID
        }
        var line = try PluginJSON.encoder.encode(Envelope(id: id, method: method.rawValue, params: params))
        line.append(0x0A)
        return await withCheckedContinuation { continuation in
            lock.withLock {
                pending[id] = continuation
                // Whole lines under the lock: never interleaved.
                input.fileHandleForWriting.write(line)
            }
        }
    }

    func finish() throws {
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    private func readLoop(_ handle: FileHandle) {
        var buffer = Data()
        let decoder = JSONDecoder()
        while true {
            let chunk = handle.availableData
            if chunk.isEmpty { return }
            buffer.append(chunk)
            while let newline = buffer.firstIndex(of: 0x0A) {
                let line = buffer[buffer.startIndex..<newline]
                buffer.removeSubrange(buffer.startIndex...newline)
                guard let response = try? decoder.decode(Reply.self, from: line), let id = response.id else { continue }
                let continuation = lock.withLock { pending.removeValue(forKey: id) }
                continuation?.resume(returning: response)
            }
        }
    }
}
