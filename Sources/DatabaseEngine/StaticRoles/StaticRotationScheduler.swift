import CustosCore
import Foundation
import Logging

/// What the scheduler drives: the engine, or a fake in tests.
protocol StaticRotationPerformer: Sendable {
    /// Every static role's timer, from storage; a role with an unsettled rotation is due now.
    func rotationTimers() async throws -> [String: StaticRotationQueue.Timer]
    /// Rotates the role (a failure is recorded on the role and retried later). The performer
    /// reports the role's new timer with `StaticRotationScheduler.update` itself, under the
    /// role's lock, so that reports of concurrent rotations arrive in order.
    func rotateOnSchedule(_ name: String) async
}

/// The driver of `StaticRotationQueue`: loads the roles' timers, sleeps on the injected clock
/// until the next one is due (or a role changes), performs due rotations with bounded
/// concurrency. It runs as work of the server's `BackgroundTaskHost` from its engine's start
/// (unseal, enable) until `stop()` (seal, disable) or the server's graceful shutdown.
actor StaticRotationScheduler {
    nonisolated let clock: any CoreClock
    let logger: Logger
    private let tasks: BackgroundTaskHost
    private var queue: StaticRotationQueue
    private var performer: (any StaticRotationPerformer)?
    /// Roles reported while the initial load ran: their report is newer than what it read.
    private var reported: Set<String> = []
    private var loaded = false
    private let wake = WakeSignal()
    private var phase = Phase.idle
    /// `stop()` calls waiting for a running schedule to end.
    private var stopWaiters: [CheckedContinuation<Void, Never>] = []

    private enum Phase {
        case idle
        /// Handed to the task host, which may not have run it yet (or never will, once shut down).
        case submitted
        case running
        /// `stop()` was called while it ran; it is winding down.
        case stopping
        case stopped
    }

    init(clock: any CoreClock, logger: Logger, tasks: BackgroundTaskHost, maxConcurrent: Int = 4) {
        self.clock = clock
        self.logger = logger
        self.tasks = tasks
        self.queue = StaticRotationQueue(maxConcurrent: maxConcurrent)
    }

    /// Hands the schedule to the task host.
    func start(_ performer: any StaticRotationPerformer) {
        // Once stopped, never again: a seal may race the start at unseal.
        guard case .idle = phase else { return }
        self.performer = performer
        phase = .submitted
        tasks.submit { await self.run() }
    }

    /// Ends the schedule and waits for it: no rotation runs once this returns. Drops the
    /// performer, which holds the engine (and so this scheduler).
    func stop() async {
        switch phase {
        case .running, .stopping:
            phase = .stopping
            poke()
            await withCheckedContinuation { stopWaiters.append($0) }
        case .idle, .submitted, .stopped:
            phase = .stopped
        }
        performer = nil
    }
    /// A role was written, rotated or deleted (nil): reschedule it.
    func update(_ name: String, _ timer: StaticRotationQueue.Timer?) {
        if !loaded { reported.insert(name) }
        queue.set(name, timer)
        poke()
    }

    /// For tests: the queue as the driver sees it.
    var state: StaticRotationQueue { queue }

    private func run() async {
        // Stopped before the host got to it.
        guard case .submitted = phase else { return }
        phase = .running
        await load()
        await loop()
        phase = .stopped
        for waiter in stopWaiters { waiter.resume() }
        stopWaiters = []
    }

    /// Whether the schedule goes on: not stopped, not cancelled (graceful shutdown).
    private var isRunning: Bool {
        guard case .running = phase else { return false }
        return !Task.isCancelled
    }

    private func load() async {
        while isRunning, let performer {
            do {
                for (name, timer) in try await performer.rotationTimers() where !reported.contains(name) {
                    queue.set(name, timer)
                }
                loaded = true
                reported = []
                return
            } catch {
                // Storage trouble right after unseal: try again rather than never rotating.
                logger.warning("could not load the static roles' rotation schedule", metadata: ["error": "\(error)"])
                await sleep(until: clock.now.addingTimeInterval(StaticRotationQueue.firstRetryDelay))
            }
        }
    }

    private func loop() async {
        await withDiscardingTaskGroup { group in
            while isRunning, let performer {
                for name in queue.takeDue(now: clock.now) {
                    group.addTask {
                        await performer.rotateOnSchedule(name)
                        await self.finished(name)
                    }
                }
                await sleep(until: queue.wakeTime(now: clock.now))
            }
            // Stopped: rotations under way end with it.
            group.cancelAll()
        }
    }

    private func finished(_ name: String) {
        queue.finished(name)
        poke()
    }

    /// Sleeps until `deadline` (forever when nil), a `poke` (a role changed, a rotation ended,
    /// `stop`; also one that came while awake), or cancellation.
    private func sleep(until deadline: Date?) async {
        let clock = self.clock
        let wake = self.wake
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await clock.sleep(until: deadline ?? .distantFuture) }
            group.addTask { await wake.wait() }
            await group.next()
            group.cancelAll()
        }
    }

    private func poke() {
        wake.signal()
    }
}
