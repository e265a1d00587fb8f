import Foundation

/// Runs every lease to its end: keeps the expiry queue, revokes on time through the mount's
/// engine (`LeaseRevoker`), retries failures with back-off and marks leases irrevocable after
/// repeated failure; restores everything from storage in the background after unseal.
///
/// Concurrency model:
/// - The actor owns the in-memory state (queue, claims, pipeline queues) and never holds it
///   across an engine call: those run in tasks that report back.
/// - A lease is worked on by one operation at a time: an operation *claims* its id (expiry
///   revocation, renew, revoke); a second one gets `LeaseError.busy`. A force revoke of a claimed
///   lease marks it *dropped* and the claim holder deletes it when done.
/// - Expiry: one timer task sleeps until the queue's next deadline, due ids go to a backlog,
///   resolver tasks load the leases (in chunks) to learn their mount, and per-mount worker
///   tasks (at most `revocationConcurrencyPerMount`) call the engine and commit each chunk's
///   results in one storage write. Every engine revoke call also takes a permit from
///   `MountConcurrencyLimiter`, shared with explicit revokes, so no mount ever has more calls in
///   flight than the limit and a hanging mount cannot hold up another.
/// - Expiry work runs at `Configuration.revocationPriority`, `.background` by default: below
///   request handling, so a revocation storm yields the CPU to user-facing requests (the
///   cooperative pool runs higher-priority jobs first); restore runs at `.utility`, below
///   requests too but not starved by the revocations it triggers.
/// - Lifecycle: one manager per unseal. `restore()` once after unseal (serving need not wait),
///   `stop()` on seal; a stopped manager is not restarted, the next unseal makes a new one.
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
        /// Priority of expiry work (timer, resolvers, workers); see the type's documentation.
        package var revocationPriority = TaskPriority.background
        /// Minimum time between two timer wake-ups: leases expiring within this window are
        /// revoked together (at most this late) instead of one wake-up each.
        package var timerResolution: TimeInterval = 0.01

        package init() {}
    }

    package nonisolated let store: LeaseStore
    nonisolated let clock: any LeaseClock
    nonisolated let revoker: any LeaseRevoker
    package nonisolated let configuration: Configuration
    package nonisolated let limiter: MountConcurrencyLimiter

    var queue = ExpirationQueue()
    /// Ids an operation is working on (see the type's documentation).
    var claimed: Set<String> = []
    /// Force-revoked while claimed: the holder deletes the lease instead of saving it.
    var dropped: Set<String> = []
    /// Write-ahead records begun by this process: restore must not roll them back.
    var localPending: Set<String> = []

    // Expiry pipeline (ExpirationManager+ExpiryPipeline.swift).
    var backlog: [ExpirationQueue.Entry] = []
    var backlogHead = 0
    var activeResolvers = 0
    var mountQueues: [String: MountWorkQueue] = [:]

    // Timer.
    var timerTask: Task<Void, Never>?
    var timerDeadline: Int64?
    var timerGeneration: UInt64 = 0
    /// Clock time (ms) of the last wake-up, for `Configuration.timerResolution`.
    var lastTimerFire: Int64 = 0

    // Lifecycle.
    var restoreState = RestoreState.notStarted
    var restoreTask: Task<Void, Never>?
    var restoreWaiters: [CheckedContinuation<LeaseRestoreReport, any Error>] = []
    var idleWaiters: [CheckedContinuation<Void, Never>] = []
    var stopped = false

    package init(
        storage: any StorageBackend, revoker: any LeaseRevoker, clock: any LeaseClock = SystemLeaseClock(),
        configuration: Configuration = Configuration()
    ) {
        self.store = LeaseStore(backend: storage)
        self.revoker = revoker
        self.clock = clock
        self.configuration = configuration
        self.limiter = MountConcurrencyLimiter(limit: configuration.revocationConcurrencyPerMount)
    }

    /// Stops timers and restore (on seal). Engine calls in flight finish on their own; leases
    /// are all in storage, so the next `restore()` picks up where this left off.
    package func stop() {
        stopped = true
        timerTask?.cancel()
        timerTask = nil
        timerDeadline = nil
        restoreTask?.cancel()
        for waiter in idleWaiters { waiter.resume() }
        idleWaiters = []
    }

    /// Leases in the in-memory expiry queue (not counting those being revoked or irrevocable).
    package var queuedCount: Int { queue.count }

    // MARK: Claims

    func claim(_ id: String) throws(LeaseError) {
        guard !stopped else { throw LeaseError(.unavailable, "the expiration manager is stopped") }
        guard claimed.insert(id).inserted else {
            throw LeaseError(.busy, "lease \(id) is being revoked or renewed; try again")
        }
    }

    /// Ends a claim; puts the id back in the queue at `reschedule` if given. Returns true when the
    /// lease was force-revoked meanwhile: the caller must then delete it from storage.
    func release(_ id: String, reschedule: Int64?) -> Bool {
        claimed.remove(id)
        if dropped.remove(id) != nil {
            queue.cancel(id)
            checkIdle()
            return true
        }
        if let reschedule, !stopped {
            queue.schedule(id, at: reschedule)
            armTimer()
        }
        checkIdle()
        return false
    }

    nonisolated func milliseconds(_ date: Date) -> Int64 { LeaseStorageLayout.milliseconds(date) }

    // MARK: Timer

    /// Makes sure a timer sleeps until the queue's next deadline (re-armed when an earlier one
    /// is scheduled).
    func armTimer() {
        guard !stopped, let next = queue.nextDeadline else { return }
        let wake = max(next, lastTimerFire + Int64(configuration.timerResolution * 1000))
        if timerTask != nil, let armed = timerDeadline, armed <= wake { return }
        timerTask?.cancel()
        timerGeneration &+= 1
        let generation = timerGeneration
        timerDeadline = wake
        timerTask = Task(priority: configuration.revocationPriority) {
            await self.sleepThenFire(until: wake, generation: generation)
        }
    }

    /// Off the actor: the sleep must not hold it.
    private nonisolated func sleepThenFire(until deadline: Int64, generation: UInt64) async {
        do {
            try await clock.sleep(until: LeaseStorageLayout.date(milliseconds: deadline))
        } catch {
            return
        }
        await timerFired(generation: generation)
    }

    private func timerFired(generation: UInt64) {
        guard generation == timerGeneration, !stopped else { return }
        timerTask = nil
        timerDeadline = nil
        let now = milliseconds(clock.now)
        lastTimerFire = now
        for entry in queue.popDue(now: now) where !claimed.contains(entry.id) {
            claimed.insert(entry.id)
            backlog.append(entry)
        }
        startResolvers()
        armTimer()
        checkIdle()
    }

    // MARK: Idle (tests and benchmarks)

    /// Returns once nothing is due at the clock's current time and no revocation, restore or
    /// claimed operation is in progress. Tests advance a `TestLeaseClock` and then await this
    /// instead of sleeping.
    package func waitUntilIdle() async {
        if isIdle { return }
        await withCheckedContinuation { idleWaiters.append($0) }
    }

    var isIdle: Bool {
        if stopped { return true }
        if case .running = restoreState { return false }
        guard claimed.isEmpty, backlogHead == backlog.count, activeResolvers == 0, mountQueues.isEmpty else {
            return false
        }
        if let next = queue.nextDeadline, next <= milliseconds(clock.now) { return false }
        return true
    }

    func checkIdle() {
        guard !idleWaiters.isEmpty, isIdle else { return }
        let waiters = idleWaiters
        idleWaiters = []
        for waiter in waiters { waiter.resume() }
    }
}
