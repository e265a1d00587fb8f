import DatabasePluginProtocol
import Logging
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// Runs one process per plugin name, started on first use, restarted after a failure with
/// exponential back-off, re-`Initialize`-ing its connections lazily before their first call.
///
/// While a plugin backs off, a call waits for the back-off to end if that fits in its deadline,
/// else it fails at once with `.backingOff` (so a crash-looping plugin cannot pile up callers).
///
/// If the server itself is SIGKILLed, nothing here runs: the plugins see EOF on stdin and exit
/// on their own (that is the protocol's contract; `PR_SET_PDEATHSIG` is not available through
/// posix_spawn, and an orderly server exit goes through `shutdown()`).
///
/// When the server seals, `stopAll()` stops every process and `isPaused` refuses new ones until it
/// is unsealed: plugins hold database credentials, which must not outlive the keys.
package actor PluginSupervisor {
    package nonisolated let configuration: PluginSupervisorConfiguration
    package nonisolated let connectionConfigs = ConnectionConfigRegistry()
    private let launchSpecs: any PluginLaunchSpecProvider
    private let eventLoopGroup: any EventLoopGroup
    private let logger: Logger
    private let isPaused: @Sendable () -> Bool

    private enum Slot {
        case starting(Task<PluginProcess, any Error>, generation: Int)
        case running(PluginProcess)
        /// `previous` is the dead process (already killed), awaited before its successor starts.
        case failed(at: ContinuousClock.Instant, retryAfter: Duration, error: PluginHostError, previous: PluginProcess?)
    }

    private struct PluginState {
        var slot: Slot?
        var consecutiveFailures = 0
    }

    private var plugins: [String: PluginState] = [:]
    private var nextGeneration = 0
    private var isShutDown = false

    package init(
        launchSpecs: any PluginLaunchSpecProvider,
        configuration: PluginSupervisorConfiguration = PluginSupervisorConfiguration(),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "custos.plugins"),
        isPaused: @escaping @Sendable () -> Bool = { false }
    ) {
        self.launchSpecs = launchSpecs
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
        self.isPaused = isPaused
    }

    /// A typed client for the plugin `name` (cheap; make one per use or keep it).
    package nonisolated func client(for name: String) -> PluginClient {
        PluginClient(plugin: name, supervisor: self)
    }

    /// The running process of `name`, started (or restarted after back-off) if needed.
    /// `patience` bounds how long the caller is willing to wait for a back-off to end.
    package func process(for name: String, patience: Duration) async throws -> PluginProcess {
        while true {
            guard !isShutDown else {
                throw PluginHostError(.shutDown, plugin: name, "the plugin host is shut down")
            }
            // Checked in the same actor turn that records a start, so `stopAll()` sees every start
            // that got past it.
            guard !isPaused() else {
                throw PluginHostError(.shutDown, plugin: name, "plugins do not run while the server is sealed")
            }
            switch plugins[name]?.slot {
            case .running(let process):
                if let failure = process.rpc.failure {
                    processFailed(name: name, generation: process.generation, error: failure)
                    continue
                }
                return process
            case .starting(let task, _):
                return try await task.value
            case .failed(let failedAt, let retryAfter, let error, let previous):
                let readyAt = failedAt + retryAfter
                let wait = readyAt - .now
                if wait > .zero {
                    guard wait <= patience else {
                        throw PluginHostError(
                            .backingOff, plugin: name,
                            "the plugin failed (\(error.message)) and is restarted in \(wait); try again later")
                    }
                    try await Task.sleep(until: readyAt)
                    continue
                }
                if let previous, !previous.isReaped {
                    // Never two processes for one name: the killed one is reaped first.
                    _ = try? await previous.exit.get()
                    continue
                }
                configuration.metrics.restarted(plugin: name)
                return try await start(name)
            case nil:
                return try await start(name)
            }
        }
    }

    /// The pid of the running process of `name`, if one runs.
    package func pid(of name: String) -> pid_t? {
        if case .running(let process) = plugins[name]?.slot, process.rpc.failure == nil { return process.pid }
        return nil
    }

    /// Restarts the plugin (`sys/plugins/reload/backend`): the current process stops in an orderly
    /// way (calls in flight may finish), and a new one is started and handshaken before returning.
    package func reload(_ name: String) async throws {
        await stop(name)
        _ = try await process(for: name, patience: configuration.callTimeout)
    }

    /// Stops a plugin's process (it starts again on its next use) and forgets its back-off history.
    package func stop(_ name: String) async {
        let old = plugins[name]?.slot
        plugins[name] = nil
        switch old {
        case .running(let process):
            await process.stop(grace: configuration.shutdownGrace)
        case .starting(let task, _):
            if let process = try? await task.value { await process.stop(grace: configuration.shutdownGrace) }
        case .failed, nil:
            break
        }
    }

    /// Stops every plugin: stdin closed, up to the grace period to exit, then SIGKILL; returns once
    /// every child has been reaped. Later calls fail with `.shutDown`.
    package func shutdown() async {
        isShutDown = true
        await stopAll()
    }

    /// Stops every plugin process as `shutdown()` does, but later calls start them again (unless
    /// paused). Returns once every child, starting, running or failed, has been reaped.
    package func stopAll() async {
        let slots = plugins.values.compactMap(\.slot)
        plugins.removeAll()
        let grace = configuration.shutdownGrace
        await withTaskGroup(of: Void.self) { group in
            for slot in slots {
                switch slot {
                case .running(let process):
                    group.addTask { await process.stop(grace: grace) }
                case .starting(let task, _):
                    // Its slot is gone, so its launch will not record it as running: stop it here.
                    group.addTask {
                        if let process = try? await task.value { await process.stop(grace: grace) }
                    }
                case .failed(_, _, _, let previous):
                    // Already being killed; wait until it is reaped.
                    if let previous { group.addTask { await previous.kill() } }
                }
            }
        }
    }

    private func start(_ name: String) async throws -> PluginProcess {
        nextGeneration += 1
        let generation = nextGeneration
        // Unstructured: a caller's cancellation must not abandon a half-started child.
        let task = Task { try await self.launch(name, generation: generation) }
        plugins[name, default: PluginState()].slot = .starting(task, generation: generation)
        return try await task.value
    }

    private func launch(_ name: String, generation: Int) async throws -> PluginProcess {
        let spec: PluginLaunchSpec
        do {
            spec = try await launchSpecs.launchSpec(for: name)
        } catch {
            // Nothing ran (unknown plugin, bad path, checksum mismatch): no back-off to apply.
            if isCurrentStart(name, generation) { plugins[name]?.slot = nil }
            throw error
        }
        let process: PluginProcess
        let executable = spec.executable
        do {
            process = try await PluginProcess.launch(
                name: name, generation: generation, executablePath: executable.path, argv0: spec.commandPath,
                arguments: spec.args,
                environment: PluginEnvironment.build(
                    entryEnvironment: spec.env, inheritedNames: configuration.inheritedEnvironment),
                eventLoop: eventLoopGroup.next(), logger: logger,
                onFailure: { [weak self] error in
                    Task { await self?.processFailed(name: name, generation: generation, error: error) }
                })
        } catch {
            executable.remove()
            throw recordStartFailure(name, generation, error)
        }
        // The copy lives as long as the process: a script's interpreter opens it after exec.
        process.exit.whenComplete { _ in executable.remove() }
        let info: PluginInfo
        do {
            info = try await process.handshake(timeout: configuration.handshakeTimeout)
        } catch {
            await process.kill()
            throw recordStartFailure(name, generation, error)
        }
        guard !isShutDown else {
            await process.stop(grace: configuration.shutdownGrace)
            throw PluginHostError(.shutDown, plugin: name, "the plugin host is shut down")
        }
        logger.info(
            "plugin started", metadata: ["plugin": "\(name)", "pid": "\(process.pid)", "version": "\(info.version)"])
        // A reload that replaced this start stops the process itself (it awaits this task).
        if isCurrentStart(name, generation) { plugins[name]?.slot = .running(process) }
        return process
    }

    private func isCurrentStart(_ name: String, _ generation: Int) -> Bool {
        if case .starting(_, generation) = plugins[name]?.slot { return true }
        return false
    }

    private func recordStartFailure(_ name: String, _ generation: Int, _ error: any Error) -> any Error {
        let hostError =
            error as? PluginHostError
            ?? PluginHostError(.handshakeFailed, plugin: name, "the plugin could not be started")
        logger.error("plugin failed to start", metadata: ["plugin": "\(name)", "error": "\(hostError.message)"])
        guard isCurrentStart(name, generation) else { return hostError }
        var state = plugins[name, default: PluginState()]
        state.consecutiveFailures += 1
        state.slot = .failed(
            at: .now, retryAfter: configuration.backoff(afterFailures: state.consecutiveFailures), error: hostError,
            previous: nil)
        plugins[name] = state
        return hostError
    }

    /// A running process died or misbehaved; its calls have already failed and it is being killed.
    private func processFailed(name: String, generation: Int, error: PluginHostError) {
        guard var state = plugins[name], case .running(let process) = state.slot, process.generation == generation
        else { return }
        if process.startedAt.duration(to: .now) >= configuration.healthyAfter { state.consecutiveFailures = 0 }
        state.consecutiveFailures += 1
        let retryAfter = configuration.backoff(afterFailures: state.consecutiveFailures)
        state.slot = .failed(at: .now, retryAfter: retryAfter, error: error, previous: process)
        plugins[name] = state
        logger.error(
            "plugin process failed; it is restarted on the next call",
            metadata: [
                "plugin": "\(name)", "pid": "\(process.pid)", "error": "\(error.message)",
                "retry_after": "\(retryAfter)",
            ])
    }
}
