import Foundation

/// The expiration manager's state and every decision it makes, with no storage, engine, clock
/// or task: each event takes the time it happens at (`now`) and returns the `ExpiryAction`s
/// its driver (`ExpirationManager`) performs. Tests feed it events with explicit times
/// (ExpiryStateMachineTests) and a retry policy without jitter, its one random input.
///
/// - The queue holds every scheduled lease nobody works on. An operation (expiry revocation,
///   renew, revoke) *claims* an id, which takes it out of the queue; a second claim fails with
///   `busy`. Releasing a claim may put the id back at a new time. A force revoke of a claimed
///   id marks it *dropped*: its holder deletes the lease when it releases it.
/// - Expiry: one wake-up is armed at the queue's next deadline (not sooner than
///   `timerResolution` after the last one); when it fires, due ids are claimed into a backlog,
///   loaded in chunks by at most `resolverConcurrency` loaders, routed to their mount's work
///   queue, and revoked in chunks by at most `revocationConcurrencyPerMount` workers per mount.
///   A chunk's results are stored in one write; failures back off and give up (irrevocable)
///   after `retryPolicy.maxAttempts`.
struct ExpiryStateMachine: Sendable {
    let configuration: ExpirationManager.Configuration

    private(set) var queue = ExpirationQueue()
    private(set) var claimed: Set<String> = []
    /// Force-revoked while claimed: the holder deletes the lease instead of saving it.
    private(set) var dropped: Set<String> = []
    /// Write-ahead records begun by this process: restore must not roll them back. Until the
    /// restore has finished, an id stays here after its issue ends (`endedBeforeRestore`): the
    /// restore may have read the record from storage before the issue completed it.
    var localPending: Set<String> = []
    var endedBeforeRestore: Set<String> = []

    // Expiry pipeline (ExpiryStateMachine+Pipeline.swift).
    var backlog: [ExpirationQueue.Entry] = []
    var backlogHead = 0
    var activeLoaders = 0
    var mountQueues: [String: MountWorkQueue] = [:]

    /// The armed wake-up (ms), if any.
    private(set) var wakeUp: Int64?
    /// When the last wake-up fired (ms), for `Configuration.timerResolution`.
    private(set) var lastFire: Int64 = 0

    var restore = RestoreState.notStarted
    private(set) var stopped = false

    init(configuration: ExpirationManager.Configuration) {
        self.configuration = configuration
    }

    static func milliseconds(_ date: Date) -> Int64 { LeaseStorageLayout.milliseconds(date) }

    // MARK: Claims

    /// Claims `id` for an operation; returns the deadline it was queued at (to put it back
    /// there if the operation fails).
    mutating func claim(_ id: String) throws(LeaseError) -> Int64? {
        guard !stopped else { throw LeaseError(.unavailable, "the expiration manager is stopped") }
        guard claimed.insert(id).inserted else {
            throw LeaseError(.busy, "lease \(id) is being revoked or renewed; try again")
        }
        return queue.cancel(id)
    }

    /// For removals that need no engine (forget, force revoke): true when another operation
    /// holds `id`, which is then marked dropped (the holder deletes the lease).
    mutating func dropIfClaimed(_ id: String) -> Bool {
        guard claimed.contains(id) else { return false }
        dropped.insert(id)
        return true
    }

    /// Ends a claim, putting the id back in the queue at `reschedule` if given. `dropped`: the
    /// lease was force-revoked meanwhile and the caller must delete it from storage.
    mutating func release(_ id: String, reschedule: Int64?) -> (dropped: Bool, actions: [ExpiryAction]) {
        claimed.remove(id)
        if dropped.remove(id) != nil {
            queue.cancel(id)
            return (true, [])
        }
        guard let reschedule, !stopped else { return (false, []) }
        queue.schedule(id, at: reschedule)
        return (false, arm())
    }

    /// Queues a stored lease (new, renewed by another path, restored, tidied) unless an
    /// operation holds it (that operation reschedules it).
    mutating func schedule(_ id: String, at deadline: Int64) -> [ExpiryAction] {
        guard !claimed.contains(id) else { return [] }
        queue.schedule(id, at: deadline)
        return arm()
    }

    mutating func beginPending(_ id: String) { localPending.insert(id) }
    mutating func endPending(_ id: String) {
        switch restore {
        case .finished, .failed: localPending.remove(id)
        case .notStarted, .running: endedBeforeRestore.insert(id)
        }
    }

    // MARK: Wake-ups

    /// Arms a wake-up at the queue's next deadline if none is armed at or before it.
    mutating func arm() -> [ExpiryAction] {
        guard !stopped, let next = queue.nextDeadline else { return [] }
        let wake = max(next, lastFire + Int64(configuration.timerResolution * 1000))
        if let armed = wakeUp, armed <= wake { return [] }
        wakeUp = wake
        return [.wakeUp(at: wake)]
    }

    /// The armed wake-up came (or a stale one: then nothing is due and it re-arms). Claims
    /// every due id into the backlog and starts loaders.
    mutating func timerFired(now date: Date) -> [ExpiryAction] {
        let now = Self.milliseconds(date)
        guard !stopped else { return [] }
        wakeUp = nil
        lastFire = now
        for entry in queue.popDue(now: now) where !claimed.contains(entry.id) {
            claimed.insert(entry.id)
            backlog.append(entry)
        }
        return startLoaders() + arm()
    }

    /// Restore swaps in a rebuilt queue; the wake-up is re-armed for it.
    mutating func replaceQueue(with restored: ExpirationQueue) {
        queue = restored
        wakeUp = nil
    }

    // MARK: Lifecycle

    /// On seal: no new work; what runs ends with the driver's task group.
    mutating func stop() {
        stopped = true
        wakeUp = nil
    }

    /// Nothing is due at `now` and no revocation, restore or claimed operation is in progress.
    func isIdle(now: Date) -> Bool {
        if stopped { return true }
        if case .running = restore { return false }
        guard claimed.isEmpty, backlogHead == backlog.count, activeLoaders == 0, mountQueues.isEmpty else {
            return false
        }
        if let next = queue.nextDeadline, next <= Self.milliseconds(now) { return false }
        return true
    }
}
