import Foundation

/// Which static roles are due for rotation and when to look again: a plain state machine with
/// no clock and no I/O (DESIGN.md: long-lived state is a struct driven by one injected clock).
/// The driver (`StaticRotationScheduler`) feeds it each role's timer from storage, asks what is
/// due at the clock's time, performs those rotations and reports them finished.
///
/// A role's due time is its retry time while a failed rotation is being retried, else its
/// scheduled time (`next`). A scheduled time with a `rotation_window` that closed before the
/// rotation could run (downtime, or retries that ran past it) is skipped, as Vault skips it: the
/// role is then due at the first scheduled time whose window is still open.
struct StaticRotationQueue: Sendable {
    struct Timer: Sendable, Equatable {
        /// nil: manual rotation only.
        var plan: RotationPlan?
        /// The scheduled rotation (persisted as the role's `nextVaultRotation`).
        var next: Date?
        /// A failed rotation's next try, which replaces `next` while set.
        var retryAt: Date?
    }

    /// First retry delay, doubling up to `maximumRetryDelay`.
    static let firstRetryDelay: TimeInterval = 10
    static let maximumRetryDelay: TimeInterval = 600

    let maxConcurrent: Int
    private(set) var timers: [String: Timer] = [:]
    private(set) var running: Set<String> = []

    init(maxConcurrent: Int) {
        self.maxConcurrent = max(1, maxConcurrent)
    }

    /// A role was written, rotated or deleted (nil). A running role keeps running; its new
    /// timer counts once it is finished.
    mutating func set(_ name: String, _ timer: Timer?) {
        timers[name] = timer
    }

    /// The rotations to start now, earliest first, at most the free capacity; they are running
    /// until `finished`.
    mutating func takeDue(now: Date) -> [String] {
        let capacity = maxConcurrent - running.count
        guard capacity > 0 else { return [] }
        let due = timers.compactMap { name, timer -> (String, Date)? in
            guard !running.contains(name), let at = Self.dueTime(timer, now: now), at <= now else { return nil }
            return (name, at)
        }
        let chosen = due.sorted { ($0.1, $0.0) < ($1.1, $1.0) }.prefix(capacity).map(\.0)
        running.formUnion(chosen)
        return chosen
    }

    mutating func finished(_ name: String) {
        running.remove(name)
    }

    /// When the driver should look again: the earliest due time of a role not running; nil
    /// when nothing is scheduled or every slot is busy (a finishing rotation wakes the driver).
    func wakeTime(now: Date) -> Date? {
        guard running.count < maxConcurrent else { return nil }
        return timers.filter { !running.contains($0.key) }.compactMap { Self.dueTime($0.value, now: now) }.min()
    }

    // MARK: Timing rules (pure; also used to show a role's next rotation)

    /// When `timer`'s role should rotate as seen at `now`; nil: never on its own.
    static func dueTime(_ timer: Timer, now: Date) -> Date? {
        guard let slot = timer.next else { return timer.retryAt }
        if case .schedule(let cron, let window?) = timer.plan, window > 0,
           now >= slot.addingTimeInterval(Double(window)) {
            // The slot's window closed unused: the first slot whose window is still open.
            return cron.next(after: now.addingTimeInterval(-Double(window))) ?? .distantFuture
        }
        return timer.retryAt ?? slot
    }

    /// The scheduled rotation after one done at `rotation` (Vault's `SetNextVaultRotation`).
    static func nextSlot(_ plan: RotationPlan?, after rotation: Date) -> Date? {
        guard let plan else { return nil }
        return plan.nextRotation(after: rotation, now: rotation)
    }

    /// 10 s doubling to 10 min; `jitter` in 0..<1 takes up to a fifth off, so that roles that
    /// failed together (a database down) do not retry in lockstep.
    static func retryDelay(failures: Int, jitter: Double) -> TimeInterval {
        let doublings = min(max(failures - 1, 0), 16)
        let base = min(firstRetryDelay * Double(1 << doublings), maximumRetryDelay)
        return base * (1 - 0.2 * min(max(jitter, 0), 1))
    }
}
