import Testing

@testable import PluginHost

/// The supervisor's decisions, without a process, a thread or a sleep: time is a value moved by hand.
@Suite struct PluginSupervisorStateTests {
    final class FakeProcess: Sendable {}

    struct Unexpected: Error {
        var action: String
        init(_ action: Any) { self.action = "\(action)" }
    }

    static let crash = PluginHostError(.pluginExited, plugin: "p", "the plugin process exited with status 1")

    /// A state, a clock that only moves when told, and the steps every test repeats.
    struct Harness {
        var state: PluginSupervisorState<FakeProcess>
        var now = ContinuousClock.now

        init() {
            var configuration = PluginSupervisorConfiguration()
            configuration.initialBackoff = .milliseconds(100)
            configuration.maxBackoff = .milliseconds(1_000)
            configuration.healthyAfter = .seconds(60)
            state = PluginSupervisorState(configuration: configuration)
        }

        mutating func advance(by duration: Duration) { now += duration }

        mutating func acquire(
            _ name: String = "p", patience: Duration = .zero, isPaused: Bool = false
        ) -> PluginSupervisorState<FakeProcess>.AcquireAction {
            state.acquire(name, patience: patience, isPaused: isPaused, now: now)
        }

        /// Acquires `name`, which must start; returns the generation of the start.
        mutating func start(_ name: String = "p", isRestart: Bool = false) throws -> Int {
            let action = acquire(name, patience: .seconds(30))
            guard case .start(let generation, isRestart) = action else { throw Unexpected(action) }
            return generation
        }

        /// Starts `name` and reports it running; returns its process and generation.
        mutating func run(_ name: String = "p", isRestart: Bool = false) throws -> (FakeProcess, Int) {
            let generation = try start(name, isRestart: isRestart)
            let process = FakeProcess()
            let outcome = state.started(name, generation: generation, process: process, now: now)
            guard case .running = outcome else { throw Unexpected(outcome) }
            return (process, generation)
        }

        /// Reports the process of `generation` failed; returns its back-off (nil: the report was ignored).
        mutating func fail(_ generation: Int, of name: String = "p") -> Duration? {
            state.processFailed(name, generation: generation, error: crash, now: now)?.retryAfter
        }

        func running(_ name: String = "p", isPaused: Bool = false) -> FakeProcess? {
            state.runningProcess(name, isPaused: isPaused)
        }
    }

    @Test func startsOnFirstUseAndCallersShareTheStart() throws {
        var h = Harness()
        let generation = try h.start()
        let second = h.acquire()
        guard case .awaitStart(generation) = second else { throw Unexpected(second) }
        #expect(h.running() == nil, "a starting plugin is not handed out")
        let process = FakeProcess()
        let outcome = h.state.started("p", generation: generation, process: process, now: h.now)
        guard case .running = outcome else { throw Unexpected(outcome) }
        #expect(h.running() === process)
        let third = h.acquire()
        guard case .use(let used) = third else { throw Unexpected(third) }
        #expect(used === process)
    }

    @Test func backOffDoublesUpToItsCapAndStartsOverAfterAHealthyRun() throws {
        var h = Harness()
        var (_, generation) = try h.run()
        var delays: [Duration] = []
        for _ in 0..<6 {
            let reported = h.fail(generation)
            let delay = try #require(reported)
            delays.append(delay)
            h.advance(by: delay)
            let action = h.acquire()
            guard case .awaitReaped(let dead) = action else { throw Unexpected(action) }
            #expect(dead.generation == generation)
            h.state.reaped("p", generation: dead.generation)
            (_, generation) = try h.run(isRestart: true)
        }
        #expect(delays == [100, 200, 400, 800, 1_000, 1_000].map { .milliseconds($0) })

        h.advance(by: .seconds(60))
        #expect(h.fail(generation) == .milliseconds(100))
    }

    @Test func aCallerWaitsForTheBackOffOnlyIfItFitsItsPatience() throws {
        var h = Harness()
        let (process, generation) = try h.run()
        #expect(h.fail(generation) == .milliseconds(100))
        #expect(h.running() == nil, "a failed process is not handed out")
        h.advance(by: .milliseconds(40))

        let impatient = h.acquire(patience: .milliseconds(59))
        guard case .fail(let error) = impatient else { throw Unexpected(impatient) }
        #expect(error.code == .backingOff)
        #expect(error.message.contains("exited with status 1"))

        let retryAt = h.now + .milliseconds(60)
        let patient = h.acquire(patience: .milliseconds(60))
        guard case .waitUntil(retryAt) = patient else { throw Unexpected(patient) }

        // Once the back-off is over, the dead process is reaped before its successor starts.
        h.advance(by: .milliseconds(60))
        let afterWait = h.acquire()
        guard case .awaitReaped(let dead) = afterWait else { throw Unexpected(afterWait) }
        #expect(dead.process === process)
        h.state.reaped("p", generation: dead.generation)
        let next = try h.start(isRestart: true)
        #expect(next > generation)
    }

    @Test func aFailedStartBacksOffAndARefusedLaunchDoesNot() throws {
        var h = Harness()
        let first = try h.start()
        #expect(h.fail(first) == nil, "a failure during the handshake is reported by the launch")
        h.state.startFailed("p", generation: first, error: Self.crash, now: h.now)
        let backingOff = h.acquire()
        guard case .fail(let error) = backingOff else { throw Unexpected(backingOff) }
        #expect(error.code == .backingOff)
        h.advance(by: .milliseconds(100))
        // The launch reaped its process before reporting: nothing to wait for.
        let second = try h.start(isRestart: true)

        h.state.launchRefused("p", generation: second)
        _ = try h.start(isRestart: false)
    }

    @Test func reportsAboutAnOlderGenerationChangeNothing() throws {
        var h = Harness()
        let (_, old) = try h.run()
        _ = h.state.stop("p")
        let (current, generation) = try h.run()
        #expect(h.fail(old) == nil)
        h.state.startFailed("p", generation: old, error: Self.crash, now: h.now)
        h.state.launchRefused("p", generation: old)
        #expect(h.running() === current)

        #expect(h.fail(generation) != nil)
        h.advance(by: .seconds(1))
        h.state.reaped("p", generation: old)
        let stillDead = h.acquire()
        guard case .awaitReaped(let dead) = stillDead, dead.generation == generation else {
            throw Unexpected(stillDead)
        }
        h.state.reaped("p", generation: generation)

        // A launch that a stop overtook is not recorded; the next use starts afresh.
        let overtaken = try h.start(isRestart: true)
        let stop = h.state.stop("p")
        guard case .stopWhenStarted(overtaken)? = stop else { throw Unexpected(stop as Any) }
        let outcome = h.state.started("p", generation: overtaken, process: FakeProcess(), now: h.now)
        guard case .superseded = outcome else { throw Unexpected(outcome) }
        #expect(h.running() == nil)
        _ = try h.start(isRestart: false)
    }

    @Test func stopForgetsTheBackOffAndKillsTheDeadProcess() throws {
        var h = Harness()
        let (process, generation) = try h.run()
        #expect(h.fail(generation) == .milliseconds(100))
        #expect(h.fail(generation) == nil, "one failure is reported once")
        let stop = h.state.stop("p")
        guard case .kill(let dead)? = stop else { throw Unexpected(stop as Any) }
        #expect(dead === process)
        let (_, next) = try h.run(isRestart: false)
        #expect(h.fail(next) == .milliseconds(100))
    }

    @Test func pauseRefusesStartsAndHidesTheRunningProcess() throws {
        var h = Harness()
        let (process, _) = try h.run()
        #expect(h.running(isPaused: true) == nil)
        let refused = h.acquire("q", isPaused: true)
        guard case .fail(let error) = refused else { throw Unexpected(refused) }
        #expect(error.code == .shutDown)
        #expect(h.state.plugins["q"] == nil, "a refused start leaves nothing behind")
        let stops = h.state.stopAll()
        guard stops.count == 1, case .stop(let stopped) = stops[0] else { throw Unexpected(stops) }
        #expect(stopped === process)
        #expect(h.state.plugins.isEmpty)
        _ = try h.start("q")
    }

    @Test func shutdownStopsEverythingAndRefusesLaterStarts() throws {
        var h = Harness()
        let (running, _) = try h.run("running")
        let starting = try h.start("starting")
        let (dead, failed) = try h.run("failed")
        #expect(h.fail(failed, of: "failed") != nil)

        var stopped: [String] = []
        for action in h.state.shutdown() {
            switch action {
            case .stop(let process): if process === running { stopped.append("running") }
            case .stopWhenStarted(let generation): if generation == starting { stopped.append("starting") }
            case .kill(let process): if process === dead { stopped.append("failed") }
            }
        }
        #expect(stopped.sorted() == ["failed", "running", "starting"])
        let late = h.state.started("starting", generation: starting, process: FakeProcess(), now: h.now)
        guard case .shutDown = late else { throw Unexpected(late) }
        let refused = h.acquire("running", patience: .seconds(1))
        guard case .fail(let error) = refused else { throw Unexpected(refused) }
        #expect(error.code == .shutDown)
        #expect(h.running("running") == nil)
    }
}
