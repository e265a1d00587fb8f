/// The supervisor's decisions as a plain value: which plugin runs, starts or backs off, and what
/// the driver (`PluginSupervisor`) must do next. Every transition takes the time as input and
/// returns an action; nothing here waits, spawns or reads a clock, so each rule is testable on
/// its own. Generic over the process so tests need none.
///
/// Each start gets a new generation; reports about an older generation (a late failure of a
/// process that was already replaced, a launch that a `stop` overtook) change nothing.
struct PluginSupervisorState<Process> {
    enum Slot {
        /// A launch (spawn and handshake) of this generation is under way.
        case starting(generation: Int)
        case running(Process, generation: Int, since: ContinuousClock.Instant)
        /// No start before `retryAt`. `previous` is the dead process (already being killed),
        /// reaped before its successor starts: never two processes for one name.
        case failed(retryAt: ContinuousClock.Instant, error: PluginHostError, previous: Dead?)
    }

    struct Dead {
        let process: Process
        let generation: Int
    }

    struct Plugin {
        var slot: Slot?
        var consecutiveFailures = 0
    }

    enum AcquireAction {
        case use(Process)
        /// Launch this generation, then report `started` or `startFailed`. `isRestart`: it follows a failure.
        case start(generation: Int, isRestart: Bool)
        /// Another caller's launch of this generation is under way: share its outcome.
        case awaitStart(generation: Int)
        /// The back-off ends then, within the caller's patience: wait, then acquire again.
        case waitUntil(ContinuousClock.Instant)
        /// Wait until the dead process is reaped, report `reaped`, then acquire again.
        case awaitReaped(Dead)
        case fail(PluginHostError)
    }

    enum StartedOutcome {
        /// It is the plugin's process now.
        case running
        /// A `stop` overtook the launch; whoever stopped it stops the process.
        case superseded
        /// The host shut down meanwhile: stop the process and fail.
        case shutDown
    }

    /// What stopping a slot takes.
    enum StopAction {
        /// Orderly stop of a running process.
        case stop(Process)
        /// Stop the process of this launch once it has started.
        case stopWhenStarted(generation: Int)
        /// Kill the dead process (if not yet) and wait until it is reaped.
        case kill(Process)
    }

    struct Failure {
        let process: Process
        let retryAfter: Duration
    }

    let configuration: PluginSupervisorConfiguration
    private(set) var plugins: [String: Plugin] = [:]
    private(set) var isShutDown = false
    private var lastGeneration = 0

    init(configuration: PluginSupervisorConfiguration) {
        self.configuration = configuration
    }

    /// The running process of `name`, if one may be handed out without a decision (the hot path).
    func runningProcess(_ name: String, isPaused: Bool) -> Process? {
        guard !isShutDown, !isPaused, case .running(let process, _, _)? = plugins[name]?.slot else { return nil }
        return process
    }

    /// A caller wants the process of `name` and will wait up to `patience` for a back-off.
    /// `isPaused` is read by the driver under the same lock, so `stopAll` sees every start it lets through.
    mutating func acquire(
        _ name: String, patience: Duration, isPaused: Bool, now: ContinuousClock.Instant
    ) -> AcquireAction {
        guard !isShutDown else { return .fail(Self.shutDownError(name)) }
        guard !isPaused else {
            return .fail(PluginHostError(.shutDown, plugin: name, "plugins do not run while the server is sealed"))
        }
        switch plugins[name]?.slot {
        case .running(let process, _, _):
            return .use(process)
        case .starting(let generation):
            return .awaitStart(generation: generation)
        case .failed(let retryAt, let error, let previous):
            let wait = now.duration(to: retryAt)
            if wait > .zero {
                guard wait <= patience else {
                    return .fail(
                        PluginHostError(
                            .backingOff, plugin: name,
                            "the plugin failed (\(error.message)) and is restarted in \(wait); try again later"))
                }
                return .waitUntil(retryAt)
            }
            if let previous { return .awaitReaped(previous) }
            return beginStart(name, isRestart: true)
        case nil:
            return beginStart(name, isRestart: false)
        }
    }

    private mutating func beginStart(_ name: String, isRestart: Bool) -> AcquireAction {
        lastGeneration += 1
        plugins[name, default: Plugin()].slot = .starting(generation: lastGeneration)
        return .start(generation: lastGeneration, isRestart: isRestart)
    }

    /// The launch of `generation` started a process and it passed the handshake.
    mutating func started(
        _ name: String, generation: Int, process: Process, now: ContinuousClock.Instant
    ) -> StartedOutcome {
        guard !isShutDown else { return .shutDown }
        guard isStarting(name, generation) else { return .superseded }
        plugins[name]?.slot = .running(process, generation: generation, since: now)
        return .running
    }

    /// The launch of `generation` found nothing to run (unknown plugin, bad path, checksum
    /// mismatch): there is nothing to back off from.
    mutating func launchRefused(_ name: String, generation: Int) {
        guard isStarting(name, generation) else { return }
        plugins[name]?.slot = nil
    }

    /// The process of the launch of `generation` did not start or failed its handshake (it has
    /// been reaped): the next start waits.
    mutating func startFailed(_ name: String, generation: Int, error: PluginHostError, now: ContinuousClock.Instant) {
        guard isStarting(name, generation), var plugin = plugins[name] else { return }
        plugin.consecutiveFailures += 1
        let retryAfter = configuration.backoff(afterFailures: plugin.consecutiveFailures)
        plugin.slot = .failed(retryAt: now + retryAfter, error: error, previous: nil)
        plugins[name] = plugin
    }

    /// The running process of `generation` died or misbehaved (its calls have failed, it is being
    /// killed). Returns what to log, or nil for a stale report.
    mutating func processFailed(
        _ name: String, generation: Int, error: PluginHostError, now: ContinuousClock.Instant
    ) -> Failure? {
        guard var plugin = plugins[name], case .running(let process, generation, let since)? = plugin.slot else {
            return nil
        }
        // A process that stayed up long enough ends the crash loop: back-off starts over.
        if since.duration(to: now) >= configuration.healthyAfter { plugin.consecutiveFailures = 0 }
        plugin.consecutiveFailures += 1
        let retryAfter = configuration.backoff(afterFailures: plugin.consecutiveFailures)
        plugin.slot = .failed(
            retryAt: now + retryAfter, error: error, previous: Dead(process: process, generation: generation))
        plugins[name] = plugin
        return Failure(process: process, retryAfter: retryAfter)
    }

    /// The dead process of `generation` has been reaped: a successor may start.
    mutating func reaped(_ name: String, generation: Int) {
        guard case .failed(let retryAt, let error, let previous?)? = plugins[name]?.slot,
            previous.generation == generation
        else { return }
        plugins[name]?.slot = .failed(retryAt: retryAt, error: error, previous: nil)
    }

    /// Forgets `name` (and its back-off history); it starts again on its next use.
    mutating func stop(_ name: String) -> StopAction? {
        plugins.removeValue(forKey: name)?.slot.flatMap(Self.stopAction)
    }

    /// Forgets every plugin; later acquires start them again.
    mutating func stopAll() -> [StopAction] {
        defer { plugins.removeAll() }
        return plugins.values.compactMap { $0.slot.flatMap(Self.stopAction) }
    }

    /// Forgets every plugin; later acquires fail.
    mutating func shutdown() -> [StopAction] {
        isShutDown = true
        return stopAll()
    }

    private static func stopAction(_ slot: Slot) -> StopAction? {
        switch slot {
        case .running(let process, _, _): .stop(process)
        case .starting(let generation): .stopWhenStarted(generation: generation)
        case .failed(_, _, let previous): previous.map { .kill($0.process) }
        }
    }

    private func isStarting(_ name: String, _ generation: Int) -> Bool {
        if case .starting(generation)? = plugins[name]?.slot { return true }
        return false
    }

    static func shutDownError(_ name: String) -> PluginHostError {
        PluginHostError(.shutDown, plugin: name, "the plugin host is shut down")
    }
}
