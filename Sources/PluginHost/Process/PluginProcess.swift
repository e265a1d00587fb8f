package import DatabasePluginProtocol
package import Logging
package import NIOCore
import NIOPosix
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// One running plugin process: the child, its RPC connection on stdin/stdout, its stderr logger.
/// Whatever ends it (crash, garbage on stdout, shutdown), the child is killed if needed and
/// always reaped, and whatever it started in its process group is killed (see `ChildProcess`).
package final class PluginProcess: Sendable {
    package let name: String
    package let generation: Int
    package let rpc: PluginRPCConnection
    private let child: ChildProcess
    private let stderrChannel: any Channel
    private let connections = Mutex<[String: ConnectionState]>([:])

    private enum ConnectionState {
        /// One caller runs the `Initialize`; the others wait here for its outcome.
        case initializing(waiters: [CheckedContinuation<InitializeOutcome, Never>])
        case initialized
    }

    private enum InitializeOutcome {
        case initialized
        case failed(any Error)
        /// The caller running it was cancelled: a waiter looks again (and may run it itself).
        case retry
    }

    /// How long after the exit the stdout pipe may still be drained of answers.
    static let drainAfterExit = TimeAmount.milliseconds(200)

    package var pid: pid_t { child.pid }
    package var isReaped: Bool { child.isReaped }
    /// Completes once the process has exited and been reaped.
    package var exit: EventLoopFuture<ChildExitStatus> { child.exit }

    private init(
        name: String, generation: Int, rpc: PluginRPCConnection, child: ChildProcess, stderrChannel: any Channel
    ) {
        self.name = name
        self.generation = generation
        self.rpc = rpc
        self.child = child
        self.stderrChannel = stderrChannel
    }

    /// Spawns the plugin and wires its pipes; no protocol message is exchanged yet.
    package static func launch(
        name: String, generation: Int, executablePath: String, argv0: String? = nil, arguments: [String],
        environment: [String],
        eventLoop: any EventLoop, logger: Logger,
        responseObserver: (@Sendable (RPCResponseHead) -> Void)? = nil,
        onFailure: @escaping @Sendable (PluginHostError) -> Void
    ) async throws -> PluginProcess {
        let child: ChildProcess
        do {
            child = try await ChildProcess.spawn(
                path: executablePath, argv0: argv0, arguments: arguments, environment: environment,
                eventLoop: eventLoop)
        } catch var error as PluginHostError {
            error.plugin = name
            throw error
        }
        var processLogger = logger
        processLogger[metadataKey: "plugin"] = "\(name)"
        processLogger[metadataKey: "pid"] = "\(child.pid)"

        let stdio: any Channel
        let stderr: any Channel
        do {
            stdio = try await NIOPipeBootstrap(group: eventLoop)
                .channelOption(.autoRead, value: false)
                .takingOwnershipOfDescriptors(input: child.stdoutFD, output: child.stdinFD).get()
        } catch {
            close(child.stdoutFD)
            close(child.stdinFD)
            close(child.stderrFD)
            throw await startFailure(child, plugin: name, "cannot attach to the plugin's stdin/stdout")
        }
        do {
            let stderrLogger = processLogger
            stderr = try await NIOPipeBootstrap(group: eventLoop)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(StderrLogHandler(logger: stderrLogger))
                    }
                }
                .takingOwnershipOfDescriptor(input: child.stderrFD).get()
        } catch {
            close(child.stderrFD)
            try? await stdio.close()
            throw await startFailure(child, plugin: name, "cannot attach to the plugin's stderr")
        }

        let rpc = PluginRPCConnection(
            pluginName: name, channel: stdio, responseObserver: responseObserver,
            onFailure: { error in
                // A dead or misbehaving plugin is never left running.
                child.kill()
                onFailure(error)
            })
        do {
            try await stdio.eventLoop.submit {
                try stdio.pipeline.syncOperations.addHandlers(
                    ByteToMessageHandler(LineFrameDecoder(maxLineBytes: pluginMaxMessageBytes)),
                    RPCResponseHandler(connection: rpc))
            }.get()
            try await stdio.setOption(.autoRead, value: true).get()
        } catch {
            try? await stdio.close()
            try? await stderr.close()
            throw await startFailure(child, plugin: name, "cannot set up the plugin's stdout reader")
        }

        let exitLogger = processLogger
        child.exit.whenSuccess { status in
            exitLogger.info("plugin process exited", metadata: ["status": "\(status)"])
            // Answers the plugin wrote just before exiting may still sit in the pipe: EOF on stdout
            // normally ends the connection once they are read. This only covers a descendant that left
            // the plugin's process group (the rest of the group is killed with it) and keeps stdout open.
            stdio.eventLoop.scheduleTask(in: Self.drainAfterExit) {
                rpc.fail(PluginHostError(.pluginExited, plugin: name, "the plugin process \(status)"))
                stdio.close(promise: nil)
                // The plugin's log ends with the plugin, whoever else holds its stderr.
                stderr.close(promise: nil)
            }
        }
        processLogger.debug("plugin process started")
        return PluginProcess(name: name, generation: generation, rpc: rpc, child: child, stderrChannel: stderr)
    }

    /// Kills and reaps a child whose pipes could not be set up. A child that had already exited
    /// on its own (the usual cause: its pipes closed under us) is reported as such.
    private static func startFailure(_ child: ChildProcess, plugin: String, _ message: String) async -> PluginHostError
    {
        child.kill()
        let status = try? await child.exit.get()
        if case .exited(let code) = status {
            return PluginHostError(
                .handshakeFailed, plugin: plugin, "the plugin process exited during start-up with status \(code)")
        }
        return PluginHostError(.spawnFailed, plugin: plugin, message)
    }

    /// `Info`, checked: the plugin must speak protocol version 1.
    package func handshake(timeout: Duration) async throws -> PluginInfo {
        let info: PluginInfo
        do {
            info = try await rpc.call(
                PluginMethod.info.rawValue, params: EmptyResult(), as: PluginInfo.self, timeout: timeout)
        } catch let error as PluginHostError {
            throw PluginHostError(.handshakeFailed, plugin: name, "the Info handshake failed: \(error.message)")
        }
        guard info.protocolVersions.contains(pluginProtocolVersion) else {
            throw PluginHostError(
                .unsupportedProtocolVersion, plugin: name,
                "the plugin speaks protocol versions \(info.protocolVersions), "
                    + "this server speaks \(pluginProtocolVersion)")
        }
        return info
    }

    /// Runs `initialize` once per connection on this process; concurrent callers share the one
    /// run, made by the first of them in its own task (no task outlives the callers).
    func ensureInitialized(_ connection: String, _ initialize: @Sendable () async throws -> Void) async throws {
        while true {
            let leads: Bool? = connections.withLock { connections in
                switch connections[connection] {
                case .initialized: return nil
                case .initializing: return false
                case nil:
                    connections[connection] = .initializing(waiters: [])
                    return true
                }
            }
            switch leads {
            case nil:
                return
            case true?:
                do {
                    try await initialize()
                } catch {
                    // A cancelled caller's failure is its own: the others try again themselves.
                    settle(connection, as: nil, Task.isCancelled ? .retry : .failed(error))
                    throw error
                }
                settle(connection, as: .initialized, .initialized)
                return
            case false?:
                switch await outcome(of: connection) {
                case .initialized: return
                case .failed(let error): throw error
                case .retry: continue
                }
            }
        }
    }

    /// Waits for the caller running `connection`'s `Initialize`.
    private func outcome(of connection: String) async -> InitializeOutcome {
        await withCheckedContinuation { waiter in
            connections.withLock { connections in
                switch connections[connection] {
                case .initializing(var waiters):
                    waiters.append(waiter)
                    connections[connection] = .initializing(waiters: waiters)
                case .initialized:
                    waiter.resume(returning: .initialized)
                case nil:
                    waiter.resume(returning: .retry)
                }
            }
        }
    }

    /// Ends a run of `Initialize`: the connection's new state (kept only if no close came
    /// meanwhile), and the waiters' outcome.
    private func settle(_ connection: String, as state: ConnectionState?, _ outcome: InitializeOutcome) {
        let waiters = connections.withLock { connections -> [CheckedContinuation<InitializeOutcome, Never>] in
            guard case .initializing(let waiters) = connections[connection] else { return [] }
            connections[connection] = state
            return waiters
        }
        for waiter in waiters { waiter.resume(returning: outcome) }
    }

    func markInitialized(_ connection: String) {
        let waiters = connections.withLock { connections -> [CheckedContinuation<InitializeOutcome, Never>] in
            defer { connections[connection] = .initialized }
            guard case .initializing(let waiters) = connections[connection] else { return [] }
            return waiters
        }
        for waiter in waiters { waiter.resume(returning: .initialized) }
    }

    func markClosed(_ connection: String) {
        let waiters = connections.withLock { connections -> [CheckedContinuation<InitializeOutcome, Never>] in
            guard case .initializing(let waiters) = connections.removeValue(forKey: connection) else { return [] }
            return waiters
        }
        // Closed while its `Initialize` ran: a call that waited for it must not open it again.
        let closed = PluginHostError(.notFound, plugin: name, "connection \(connection) was closed")
        for waiter in waiters { waiter.resume(returning: .failed(closed)) }
    }

    /// Kills the process at once and waits until it is reaped and its stderr drained.
    package func kill() async {
        rpc.fail(PluginHostError(.shutDown, plugin: name, "the plugin was stopped"))
        child.kill()
        _ = try? await child.exit.get()
        try? await stderrChannel.closeFuture.get()
    }

    /// The protocol's orderly stop: close stdin, let the plugin finish (up to `grace`), then SIGKILL.
    /// Returns once the process has been reaped and its stderr drained.
    @discardableResult
    package func stop(grace: Duration) async -> ChildExitStatus? {
        rpc.stopAccepting(PluginHostError(.shutDown, plugin: name, "the plugin is being stopped"))
        rpc.closeInput()
        let child = self.child
        let killer = child.exit.eventLoop.scheduleTask(in: .nanoseconds(grace.nanoseconds)) {
            child.kill()
        }
        let status = try? await child.exit.get()
        killer.cancel()
        // Its last stderr lines are logged before this returns (bounded by `drainAfterExit`).
        try? await stderrChannel.closeFuture.get()
        return status
    }
}
