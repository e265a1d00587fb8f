package import Foundation
import Synchronization

/// A real `custos server` child process, for end-to-end tests: started with any arguments,
/// ready once its banner says so, stopped gracefully (SIGTERM) or killed (SIGKILL).
package final class ServerProcess: Sendable {
    package let address: String
    /// Dev mode only.
    package let rootToken: String?
    package let unsealKey: String?
    private let process: Process
    private let output: OutputCollector

    package struct StartFailure: Error, CustomStringConvertible {
        package var description: String
    }

    private init(process: Process, output: OutputCollector, address: String, rootToken: String?, unsealKey: String?) {
        self.process = process
        self.output = output
        self.address = address
        self.rootToken = rootToken
        self.unsealKey = unsealKey
    }

    /// `custos server -dev` on a free loopback port.
    package static func startDev(rootToken: String? = nil, extraArguments: [String] = []) async throws -> ServerProcess {
        var arguments = ["server", "-dev", "-dev-listen-address=127.0.0.1:0"]
        if let rootToken { arguments.append("-dev-root-token-id=\(rootToken)") }
        return try await start(arguments: arguments + extraArguments)
    }

    /// `custos server -config FILE`; with `openFilesLimit`, under `ulimit -n` (for tests that
    /// exhaust file descriptors).
    package static func start(config: URL, openFilesLimit: Int? = nil) async throws -> ServerProcess {
        try await start(arguments: ["server", "-config", config.path], openFilesLimit: openFilesLimit)
    }

    package static func start(arguments: [String], environment: [String: String] = [:], openFilesLimit: Int? = nil) async throws -> ServerProcess {
        let process = Process()
        let custos = try BuildProducts.url(of: "custos")
        if let openFilesLimit {
            // The shell sets the limit and replaces itself with the server: same pid.
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "ulimit -n \(openFilesLimit) && exec \"$0\" \"$@\"", custos.path] + arguments
        } else {
            process.executableURL = custos
            process.arguments = arguments
        }
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let output = OutputCollector()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        process.terminationHandler = { _ in output.processExited() }
        try process.run()
        LiveServers.add(process.processIdentifier)
        output.attach(stdout.fileHandleForReading)
        output.attach(stderr.fileHandleForReading, isStandardError: true)

        guard let banner = await output.waitForBanner() else {
            process.waitUntilExit()
            throw StartFailure(description: "custos server exited before it served (status \(process.terminationStatus)):\n\(output.text)")
        }
        func value(after label: String) -> String? {
            banner.split(separator: "\n").first { $0.contains(label) }.map {
                String($0[$0.range(of: label)!.upperBound...]).trimmingCharacters(in: .whitespaces)
            }
        }
        guard let listeners = value(after: "Listeners:"), let first = listeners.split(separator: ",").first else {
            process.terminate()
            throw StartFailure(description: "no listener address in the banner:\n\(banner)")
        }
        return ServerProcess(
            process: process,
            output: output,
            address: String(first).trimmingCharacters(in: .whitespaces),
            rootToken: value(after: "Root Token:"),
            unsealKey: value(after: "Unseal Key:")
        )
    }

    package var pid: Int32 { process.processIdentifier }
    package var isRunning: Bool { process.isRunning }
    /// Everything the server printed so far (stdout and stderr interleaved).
    package var log: String { output.text }
    /// What the server wrote to stderr alone (its log; the banner goes to stdout).
    package var standardError: String { output.standardErrorText }

    /// SIGTERM and wait: the graceful path.
    @discardableResult
    package func stop() async -> Int32 {
        if process.isRunning { process.terminate() }
        await output.waitForExit()
        LiveServers.remove(process.processIdentifier)
        return process.terminationStatus
    }

    /// SIGKILL and wait: a crash at an arbitrary moment.
    package func kill() async {
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
        await output.waitForExit()
        LiveServers.remove(process.processIdentifier)
    }

    deinit {
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
    }
}

/// Collects a child's output and wakes whoever waits for the start-up banner or the exit.
private final class OutputCollector: Sendable {
    private struct State {
        var text = ""
        var standardErrorText = ""
        var exited = false
        var bannerWaiters: [CheckedContinuation<String?, Never>] = []
        var exitWaiters: [CheckedContinuation<Void, Never>] = []
        var openPipes = 2
    }
    private let state = Mutex(State())
    private static let bannerEnd = "==> Custos server started!"

    var text: String { state.withLock { $0.text } }
    var standardErrorText: String { state.withLock { $0.standardErrorText } }

    func attach(_ handle: FileHandle, isStandardError: Bool = false) {
        PipeReader.drain(handle, onChunk: { data in
            self.append(String(decoding: data, as: UTF8.self), isStandardError: isStandardError)
        }, onEnd: {
            self.pipeClosed()
        })
    }

    private func append(_ chunk: String, isStandardError: Bool) {
        let waiters: [CheckedContinuation<String?, Never>]
        let text: String
        (waiters, text) = state.withLock { state in
            state.text += chunk
            if isStandardError { state.standardErrorText += chunk }
            guard state.text.contains(Self.bannerEnd) else { return ([], state.text) }
            defer { state.bannerWaiters = [] }
            return (state.bannerWaiters, state.text)
        }
        waiters.forEach { $0.resume(returning: text) }
    }

    private func pipeClosed() {
        let finished = state.withLock { state -> Bool in
            state.openPipes -= 1
            return state.openPipes == 0 && state.exited
        }
        if finished { finish() }
    }

    func processExited() {
        let finished = state.withLock { state -> Bool in
            state.exited = true
            return state.openPipes == 0
        }
        if finished { finish() }
    }

    private func finish() {
        let (banner, exits) = state.withLock { state in
            defer { state.bannerWaiters = []; state.exitWaiters = [] }
            return (state.bannerWaiters, state.exitWaiters)
        }
        banner.forEach { $0.resume(returning: nil) }
        exits.forEach { $0.resume() }
    }

    func waitForBanner() async -> String? {
        await withCheckedContinuation { continuation in
            let ready: String?? = state.withLock { state in
                if state.text.contains(Self.bannerEnd) { return .some(state.text) }
                if state.exited && state.openPipes == 0 { return .some(nil) }
                state.bannerWaiters.append(continuation)
                return .none
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    func waitForExit() async {
        await withCheckedContinuation { continuation in
            let done = state.withLock { state in
                if state.exited && state.openPipes == 0 { return true }
                state.exitWaiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }
}

/// Servers started by this test process; killed at exit so that no test, failed or not, leaves a
/// server running behind it.
private enum LiveServers {
    static let pids = Mutex<Set<Int32>>([])
    static let installExitHandler: Void = {
        atexit {
            for pid in LiveServers.pids.withLock({ $0 }) { kill(pid, SIGKILL) }
        }
    }()

    static func add(_ pid: Int32) {
        _ = installExitHandler
        pids.withLock { _ = $0.insert(pid) }
    }

    static func remove(_ pid: Int32) {
        pids.withLock { _ = $0.remove(pid) }
    }
}
