package import Foundation

/// Runs every lease to its end: keeps the expiry queue, revokes on time through the mount's
/// engine (`LeaseRevoker`), retries failures with back-off and marks leases irrevocable after
/// repeated failure; restores everything from storage in the background after unseal.
///
/// The driver of `ExpiryStateMachine`, which holds the state and makes every decision: the
/// actor feeds it events with the clock's time and performs the actions it returns (storage,
/// engine calls, sleeping on the clock).
///
/// Concurrency model:
/// - The actor never holds the state across an engine call or a storage read: those run as
///   child tasks of the manager's one task group and report back.
/// - A lease is worked on by one operation at a time (a *claim*, see the state machine); a
///   second one gets `LeaseError.busy`.
/// - Every engine revoke call takes a permit from `MountConcurrencyLimiter`, shared with
///   explicit revokes, so no mount ever has more calls in flight than the limit and a hanging
///   mount cannot hold up another.
/// - Expiry work runs at `Configuration.revocationPriority`, `.background` by default: below
///   request handling, so a revocation storm yields the CPU to user-facing requests (the
///   cooperative pool runs higher-priority jobs first); restore runs at `.utility`, below
///   requests too but not starved by the revocations it triggers.
/// - Lifecycle: one manager per unseal. `restore()` once after unseal (serving need not wait),
///   `stop()` on seal ends the task group; a stopped manager is not restarted, the next unseal
///   makes a new one.
package actor ExpirationManager {
    package struct Configuration: Sendable {
        package var revocationConcurrencyPerMount = 8
        package var retryPolicy = RevocationRetryPolicy()
        /// Tasks loading due leases to route them to their mount's workers (storage reads only).
        package var resolverConcurrency = 4
        /// Loaded leases kept per mount queue; beyond, only ids are kept (reloaded by the worker),
        /// so a mount that cannot keep up does not pile full leases up in memory.
        package var maxLoadedPerMount = 256
        /// Concurrent revocations started by one revoke-prefix / revoke-by-token call.
        package var batchRevokeConcurrency = 64
        /// Priority of expiry work (timer, loaders, workers); see the type's documentation.
        package var revocationPriority = TaskPriority.background
        /// Minimum time between two timer wake-ups: leases expiring within this window are
        /// revoked together (at most this late) instead of one wake-up each.
        package var timerResolution: TimeInterval = 0.01

        package init() {}
    }

    package nonisolated let store: LeaseStore
    nonisolated let clock: any CoreClock
    nonisolated let revoker: any LeaseRevoker
    package nonisolated let configuration: Configuration
    package nonisolated let limiter: MountConcurrencyLimiter

    var machine: ExpiryStateMachine
    let tasks: ExpirationTaskGroup
    var restoreWaiters: [CheckedContinuation<LeaseRestoreReport, any Error>] = []
    private var idleWaiters: [CheckedContinuation<Void, Never>] = []
    /// Actions whose I/O has not ended (for `waitUntilIdle`).
    private var actionsInFlight = 0

    package init(
        storage: any StorageBackend, revoker: any LeaseRevoker, tasks: BackgroundTaskHost,
        clock: any CoreClock = SystemClock(), configuration: Configuration = Configuration()
    ) {
        self.tasks = ExpirationTaskGroup(host: tasks)
        self.store = LeaseStore(backend: storage)
        self.revoker = revoker
        self.clock = clock
        self.configuration = configuration
        self.limiter = MountConcurrencyLimiter(limit: configuration.revocationConcurrencyPerMount)
        self.machine = ExpiryStateMachine(configuration: configuration)
    }

    /// On seal: no new work; the task group is cancelled and awaited, so nothing of this
    /// manager runs once this returns. An engine call cut short is no failed attempt: leases
    /// are all in storage and the next unseal's `restore()` picks up where this left off.
    package func stop() async {
        machine.stop()
        resumeIdleWaiters()
        await tasks.shutDown()
    }

    /// Leases in the in-memory expiry queue (not counting those being revoked or irrevocable).
    package var queuedCount: Int { machine.queue.count }

    /// Runs `work` in the manager's task group, for work a request starts and does not wait
    /// for (asynchronous revocation, tidy) and the core's token sweep: it ends (cancelled) with
    /// this unseal. Dropped when the manager is stopped.
    package func runInBackground(_ work: @escaping @Sendable () async -> Void) {
        tasks.add(priority: nil, work)
    }

    // MARK: Performing the state machine's actions

    /// Performs `actions` (each storage or engine action as a child task that reports back)
    /// and wakes idle waiters if nothing is left to do.
    func perform(_ actions: [ExpiryAction]) {
        for action in actions {
            switch action {
            case .wakeUp:
                startTimerIfNeeded()
                tasks.interruptTimer()
            case .load(let entries):
                run { await self.load(entries) }
            case .revoke(let mount, let items):
                run { await self.revoke(items, on: mount) }
            case .persist(let commit):
                run { await self.persist(commit) }
            case .deleteKeys(let keys):
                run { [store] in try? await store.deleteKeys(keys) }
            case .remove(let leases):
                run { [store] in try? await store.apply(leases.map { .remove($0) }, background: true) }
            case .removeDropped(let lease):
                run {
                    try? await self.store.remove(lease)
                    _ = await self.release(lease.id, reschedule: nil)
                }
            case .removeIfPresent(let id):
                run { try? await self.removeIfPresent(id) }
            }
        }
        if !idleWaiters.isEmpty && isIdle { resumeIdleWaiters() }
    }

    /// Runs an action's I/O in the task group at expiry priority; idle waits for it.
    private func run(_ work: @escaping @Sendable () async -> Void) {
        actionsInFlight += 1
        tasks.add(priority: configuration.revocationPriority) {
            await work()
            await self.actionFinished()
        }
    }

    private func actionFinished() {
        actionsInFlight -= 1
        perform([])
    }

    /// Ends a claim (see `ExpiryStateMachine.release`). True when the lease was force-revoked
    /// meanwhile: the caller must then delete it from storage.
    func release(_ id: String, reschedule: Int64?) -> Bool {
        let (dropped, actions) = machine.release(id, reschedule: reschedule)
        perform(actions)
        return dropped
    }

    func schedule(_ id: String, at time: Date) {
        perform(machine.schedule(id, at: milliseconds(time)))
    }

    func removeIfPresent(_ id: String) async throws {
        if let lease = try await store.load(id) { try await store.remove(lease) }
    }

    nonisolated func milliseconds(_ date: Date) -> Int64 { LeaseStorageLayout.milliseconds(date) }

    // MARK: Timer

    private func startTimerIfNeeded() {
        guard !machine.stopped, !tasks.hasTimer else { return }
        tasks.startTimer(priority: configuration.revocationPriority) { interrupt in
            await self.runTimer(interrupt)
        }
    }

    /// Sleeps on the clock until the armed wake-up, reports it, and again; an earlier wake-up
    /// (or stop) interrupts the sleep. Ends when the manager stops or the task is cancelled (the
    /// server's graceful shutdown cancels the group before the seal stops the manager).
    private nonisolated func runTimer(_ interrupts: ExpirationTaskGroup.TimerInterrupts) async {
        while !Task.isCancelled, let (deadline, interrupted) = await nextWakeUp(interrupts) {
            guard let deadline else {
                await interrupted.wait()
                continue
            }
            let clock = self.clock
            let fired = await withTaskGroup(of: Bool.self) { race in
                race.addTask { (try? await clock.sleep(until: LeaseStorageLayout.date(milliseconds: deadline))) != nil }
                race.addTask {
                    await interrupted.wait()
                    return false
                }
                let first = await race.next() ?? false
                race.cancelAll()
                return first
            }
            if fired { await timerFired() }
        }
    }

    private func nextWakeUp(
        _ interrupts: ExpirationTaskGroup.TimerInterrupts
    ) -> (Int64?, ExpirationTaskGroup.TimerInterrupts.Signal)? {
        guard !machine.stopped else { return nil }
        return (machine.wakeUp, interrupts.next())
    }

    private func timerFired() {
        perform(machine.timerFired(now: clock.now))
    }

    // MARK: Idle (tests and benchmarks)

    /// Returns once nothing is due at the clock's current time and no revocation, restore,
    /// claimed operation or storage clean-up is in progress. Tests advance a `ManualClock`
    /// and then await this instead of sleeping.
    package func waitUntilIdle() async {
        if isIdle { return }
        await withCheckedContinuation { idleWaiters.append($0) }
    }

    /// Once stopped, actions still queued never run: nothing is left to wait for.
    private var isIdle: Bool {
        machine.stopped || (actionsInFlight == 0 && machine.isIdle(now: clock.now))
    }

    private func resumeIdleWaiters() {
        let waiters = idleWaiters
        idleWaiters = []
        for waiter in waiters { waiter.resume() }
    }
}
