package import Foundation
import Synchronization

/// Runs the built `custos` CLI as a child process, as a user would from a shell.
package enum CLI {
    package struct Result: Sendable {
        package var exitCode: Int32
        package var stdout: String
        package var stderr: String
    }

    package static func run(_ arguments: [String], env: [String: String] = [:], stdin: String? = nil) async throws -> Result {
        try await ChildProcess.run(executable: try BuildProducts.url(of: "custos"), arguments: arguments, environment: env, stdin: stdin)
    }
}

/// Runs any executable to completion, collecting stdout and stderr without blocking a thread
/// of Swift's cooperative pool.
package enum ChildProcess {
    package static func run(
        executable: URL,
        arguments: [String],
        environment: [String: String] = [:],
        inheritEnvironment: Bool = true,
        stdin: String? = nil,
        workingDirectory: URL? = nil
    ) async throws -> CLI.Result {
        let process = Process()
        process.executableURL = executable
        if let workingDirectory { process.currentDirectoryURL = workingDirectory }
        process.arguments = arguments
        var env = inheritEnvironment ? ProcessInfo.processInfo.environment : [:]
        // A test's environment must not leak a developer's real server or token into the child.
        if inheritEnvironment {
            for key in ["CUSTOS_ADDR", "CUSTOS_TOKEN", "VAULT_ADDR", "VAULT_TOKEN", "BAO_ADDR", "BAO_TOKEN"] { env[key] = nil }
        }
        for (key, value) in environment { env[key] = value }
        process.environment = env

        let out = Pipe(), err = Pipe()
        let input = stdin.map { _ in Pipe() }
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input ?? FileHandle.nullDevice
        let collector = StreamCollector()
        process.terminationHandler = { _ in collector.exited() }
        try process.run()
        collector.attach(out.fileHandleForReading, stream: 0)
        collector.attach(err.fileHandleForReading, stream: 1)
        if let stdin, let input {
            input.fileHandleForWriting.write(Data(stdin.utf8))
            try? input.fileHandleForWriting.close()
        }
        let (stdout, stderr) = await collector.wait()
        return CLI.Result(exitCode: process.terminationStatus, stdout: stdout, stderr: stderr)
    }
}

private final class StreamCollector: Sendable {
    private struct State {
        var buffers = [Data(), Data()]
        var open = 2
        var exited = false
        var waiter: CheckedContinuation<(String, String), Never>?
        var done: Bool { open == 0 && exited }
    }
    private let state = Mutex(State())

    func attach(_ handle: FileHandle, stream: Int) {
        PipeReader.drain(handle, onChunk: { data in
            self.update { $0.buffers[stream].append(data) }
        }, onEnd: {
            self.update { $0.open -= 1 }
        })
    }

    func exited() { update { $0.exited = true } }

    private func update(_ change: (inout State) -> Void) {
        let finished: (CheckedContinuation<(String, String), Never>, (String, String))? = state.withLock { state in
            change(&state)
            guard state.done, let waiter = state.waiter else { return nil }
            state.waiter = nil
            return (waiter, Self.strings(state.buffers))
        }
        if let (waiter, output) = finished { waiter.resume(returning: output) }
    }

    func wait() async -> (String, String) {
        await withCheckedContinuation { continuation in
            let output: (String, String)? = state.withLock { state in
                if state.done { return Self.strings(state.buffers) }
                state.waiter = continuation
                return nil
            }
            if let output { continuation.resume(returning: output) }
        }
    }

    private static func strings(_ buffers: [Data]) -> (String, String) {
        (String(decoding: buffers[0], as: UTF8.self), String(decoding: buffers[1], as: UTF8.self))
    }
}
