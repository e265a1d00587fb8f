import DatabasePluginProtocol
package import Logging
package import NIOCore
package import NIOPosix
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Runs one process per plugin name, started on first use, restarted after a failure with
/// exponential back-off, re-`Initialize`-ing its connections lazily before their first call.
///
/// While a plugin backs off, a call waits for the back-off to end if that fits in its deadline,
/// else it fails at once with `.backingOff` (so a crash-looping plugin cannot pile up callers).
///
/// The decisions are `PluginSupervisorState`'s; this actor performs them (launch, wait, stop,
/// reap). The state sits behind a lock rather than in the actor so that a call to a running
/// plugin (`process(for:patience:)`, the hot path) takes it without a hop onto the actor.
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
    private nonisolated let launchSpecs: any PluginLaunchSpecProvider
    private nonisolated let eventLoopGroup: any EventLoopGroup
    private nonisolated let logger: Logger
    private nonisolated let isPaused: @Sendable () -> Bool
    private nonisolated let clock: any PluginClock
    private nonisolated let state: Mutex<PluginSupervisorState<PluginProcess>>
    /// Runs work in the server's background task host; false once that has shut down.
    private nonisolated let runInBackground: @Sendable (@escaping @Sendable () async -> Void) -> Bool
    /// The launches under way, by generation; each is the `.starting` slot of that generation.
    private var launches: [Int: PluginLaunch] = [:]

    package init(
        launchSpecs: any PluginLaunchSpecProvider,
        configuration: PluginSupervisorConfiguration = PluginSupervisorConfiguration(),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "custos.plugins"),
        clock: any PluginClock = SystemPluginClock(),
        isPaused: @escaping @Sendable () -> Bool = { false },
        runInBackground: @escaping @Sendable (@escaping @Sendable () async -> Void) -> Bool
    ) {
        self.runInBackground = runInBackground
        self.launchSpecs = launchSpecs
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
        self.clock = clock
        self.isPaused = isPaused
        self.state = Mutex(PluginSupervisorState(configuration: configuration))
    }

    /// A typed client for the plugin `name` (cheap; make one per use or keep it).
    package nonisolated func client(for name: String) -> PluginClient {
        PluginClient(plugin: name, supervisor: self)
    }

    /// The running process of `name`, started (or restarted after back-off) if needed.
    /// `patience` bounds how long the caller is willing to wait for a back-off to end.
    package nonisolated func process(for name: String, patience: Duration) async throws -> PluginProcess {
        if let process = healthyRunningProcess(name) { return process }
        return try await acquire(name, patience: patience)
    }

    /// The hot path: a running, healthy, not paused process, read under the state's lock. A
    /// stopped or sealed-away plugin has left `.running` (or `isPaused` holds) before its stop
    /// begins, so it is never handed out here.
    private nonisolated func healthyRunningProcess(_ name: String) -> PluginProcess? {
        let isPaused = self.isPaused
        let process = state.withLock { $0.runningProcess(name, isPaused: isPaused()) }
        guard let process, process.rpc.failure == nil else { return nil }
        return process
    }

    private func acquire(_ name: String, patience: Duration) async throws -> PluginProcess {
        while true {
            let now = clock.now
            let isPaused = self.isPaused
            let action = state.withLock { $0.acquire(name, patience: patience, isPaused: isPaused(), now: now) }
            switch action {
            case .use(let process):
                // Its failure report may not have arrived yet.
                if let failure = process.rpc.failure {
                    processFailed(name, generation: process.generation, error: failure)
                    continue
                }
                return process
            case .start(let generation, let isRestart):
                if isRestart { configuration.metrics.restarted(plugin: name) }
                return try await start(name, generation: generation).value
            case .awaitStart(let generation):
                guard let launch = launches[generation] else {
                    throw PluginHostError(.handshakeFailed, plugin: name, "the plugin's start was lost")
                }
                return try await launch.value
            case .waitUntil(let deadline):
                try await clock.sleep(until: deadline)
            case .awaitReaped(let dead):
                _ = try? await dead.process.exit.get()
                state.withLock { $0.reaped(name, generation: dead.generation) }
            case .fail(let error):
                throw error
            }
        }
    }

    /// The pid of the running process of `name`, if one runs.
    package nonisolated func pid(of name: String) -> pid_t? {
        healthyRunningProcess(name)?.pid
    }

    /// Restarts the plugin (`sys/plugins/reload/backend`): the current process stops in an orderly
    /// way (calls in flight may finish), and a new one is started and handshaken before returning.
    package func reload(_ name: String) async throws {
        await stop(name)
        _ = try await acquire(name, patience: configuration.callTimeout)
    }

    /// Stops a plugin's process (it starts again on its next use) and forgets its back-off history.
    package func stop(_ name: String) async {
        guard let action = state.withLock({ $0.stop(name) }) else { return }
        await stopping(action)()
    }

    /// Stops every plugin: stdin closed, up to the grace period to exit, then SIGKILL; returns once
    /// every child has been reaped. Later calls fail with `.shutDown`.
    package func shutdown() async {
        await perform(state.withLock { $0.shutdown() }.map(stopping))
    }

    /// Stops every plugin process as `shutdown()` does, but later calls start them again (unless
    /// paused). Returns once every child, starting, running or failed, has been reaped.
    package func stopAll() async {
        await perform(state.withLock { $0.stopAll() }.map(stopping))
    }

    /// The work of one stop action, with what it needs from this actor taken now.
    private func stopping(_ action: PluginSupervisorState<PluginProcess>.StopAction) -> @Sendable () async -> Void {
        let grace = configuration.shutdownGrace
        switch action {
        case .stop(let process):
            return { await process.stop(grace: grace) }
        case .stopWhenStarted(let generation):
            // Its slot is gone, so its launch will not record it as running: stop it here.
            let launch = launches[generation]
            return { if let process = try? await launch?.value { await process.stop(grace: grace) } }
        case .kill(let process):
            // Already being killed; wait until it is reaped.
            return { await process.kill() }
        }
    }

    private nonisolated func perform(_ stops: [@Sendable () async -> Void]) async {
        await withDiscardingTaskGroup { group in
            for stop in stops { group.addTask { await stop() } }
        }
    }

    /// Hands the launch of `generation` to the background task host; every caller awaits it.
    private func start(_ name: String, generation: Int) -> PluginLaunch {
        let launch = PluginLaunch()
        launches[generation] = launch
        let accepted = runInBackground {
            do {
                launch.finish(.success(try await self.launch(name, generation: generation)))
            } catch {
                launch.finish(.failure(error))
            }
        }
        if !accepted {
            launches[generation] = nil
            state.withLock { $0.launchRefused(name, generation: generation) }
            launch.finish(.failure(PluginSupervisorState<PluginProcess>.shutDownError(name)))
        }
        return launch
    }

    private func launch(_ name: String, generation: Int) async throws -> PluginProcess {
        // Every way out has reported to the state first, so a `.starting` slot always has its launch.
        defer { launches[generation] = nil }
        let spec: PluginLaunchSpec
        do {
            spec = try await launchSpecs.launchSpec(for: name)
        } catch {
            state.withLock { $0.launchRefused(name, generation: generation) }
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
                    self?.processFailed(name, generation: generation, error: error)
                })
        } catch {
            executable.remove()
            throw reportStartFailure(name, generation, error)
        }
        // The copy lives as long as the process: a script's interpreter opens it after exec.
        process.exit.whenComplete { _ in executable.remove() }
        let info: PluginInfo
        do {
            info = try await process.handshake(timeout: configuration.handshakeTimeout)
        } catch {
            await process.kill()
            throw reportStartFailure(name, generation, error)
        }
        let now = clock.now
        switch state.withLock({ $0.started(name, generation: generation, process: process, now: now) }) {
        case .shutDown:
            await process.stop(grace: configuration.shutdownGrace)
            throw PluginSupervisorState<PluginProcess>.shutDownError(name)
        case .running, .superseded:
            // A stop that overtook this launch stops the process itself (it awaits this task).
            logger.info(
                "plugin started",
                metadata: ["plugin": "\(name)", "pid": "\(process.pid)", "version": "\(info.version)"])
            return process
        }
    }

    private func reportStartFailure(_ name: String, _ generation: Int, _ error: any Error) -> any Error {
        let hostError =
            error as? PluginHostError
            ?? PluginHostError(.handshakeFailed, plugin: name, "the plugin could not be started")
        logger.error("plugin failed to start", metadata: ["plugin": "\(name)", "error": "\(hostError.message)"])
        let now = clock.now
        state.withLock { $0.startFailed(name, generation: generation, error: hostError, now: now) }
        return hostError
    }

    /// A running process died or misbehaved; its calls have already failed and it is being killed.
    private nonisolated func processFailed(_ name: String, generation: Int, error: PluginHostError) {
        let now = clock.now
        guard let failure = state.withLock({ $0.processFailed(name, generation: generation, error: error, now: now) })
        else { return }
        logger.error(
            "plugin process failed; it is restarted on the next call",
            metadata: [
                "plugin": "\(name)", "pid": "\(failure.process.pid)", "error": "\(error.message)",
                "retry_after": "\(failure.retryAfter)",
            ])
    }
}
