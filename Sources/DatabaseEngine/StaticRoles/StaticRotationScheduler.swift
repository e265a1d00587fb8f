import CustosCore
import Foundation
import Logging
import ServiceLifecycle

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
/// concurrency. A `Service`: the engine runs it from its start (unseal, enable) and cancels it
/// in `stop()` (seal, disable); in a `ServiceGroup` a graceful shutdown ends it too.
actor StaticRotationScheduler: Service {
    nonisolated let clock: any CoreClock
    let logger: Logger
    private var queue: StaticRotationQueue
    private var performer: (any StaticRotationPerformer)?
    /// Roles reported while the initial load ran: their report is newer than what it read.
    private var reported: Set<String> = []
    private var loaded = false
    private var sleeper: Task<Void, Never>?
    private var poked = false
    private var runTask: Task<Void, Never>?
    private var stopped = false

    init(clock: any CoreClock, logger: Logger, maxConcurrent: Int = 4) {
        self.clock = clock
        self.logger = logger
        self.queue = StaticRotationQueue(maxConcurrent: maxConcurrent)
    }

    /// Starts `run()` in a task of its own (engines are made and stopped with mounts, outside
    /// the server's `ServiceGroup`).
    func start(_ performer: any StaticRotationPerformer) {
        // Once stopped, never again: a seal may race the start at unseal.
        guard runTask == nil, !stopped else { return }
        self.performer = performer
        runTask = Task { try? await self.run() }
    }

    /// Cancels the run and waits for it: no rotation runs once this returns. Drops the
    /// performer, which holds the engine (and so this scheduler).
    func stop() async {
        stopped = true
        let task = runTask
        task?.cancel()
        await task?.value
        runTask = nil
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

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            await self.load()
            await self.loop()
        }
    }

    private func load() async {
        while !Task.isCancelled, let performer {
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
            while !Task.isCancelled, let performer {
                for name in queue.takeDue(now: clock.now) {
                    group.addTask {
                        await performer.rotateOnSchedule(name)
                        await self.finished(name)
                    }
                }
                await sleep(until: queue.wakeTime(now: clock.now))
            }
        }
    }

    private func finished(_ name: String) {
        queue.finished(name)
        poke()
    }

    /// Sleeps until `deadline` (forever when nil), a `poke`, or cancellation.
    private func sleep(until deadline: Date?) async {
        if poked {
            poked = false
            return
        }
        let clock = self.clock
        let task = Task<Void, Never> { try? await clock.sleep(until: deadline ?? .distantFuture) }
        sleeper = task
        await withTaskCancellationHandler { await task.value } onCancel: { task.cancel() }
        sleeper = nil
        poked = false
    }

    private func poke() {
        if let sleeper { sleeper.cancel() } else { poked = true }
    }
}
