package import struct Foundation.Date

/// When a static role's password rotates, following Vault's database engine
/// (`staticAccount.NextRotationTime`, `IsInsideRotationWindow`, `ShouldRotate`
/// and the rotation queue's reschedule of a missed window).
///
/// Semantics, with `last` = the last successful rotation and `now` = the clock:
///
/// - `.period(seconds: p)`: the next rotation is `last + p`. It is due once
///   `now >= last + p`, however late (periods have no window, nothing is
///   ever skipped).
/// - `.schedule(cron, window: nil)`: the next rotation is
///   `s = cron.next(after: last)`, the first scheduled minute strictly after
///   the last rotation. It is due once `now >= s`, however late: without a
///   window the whole gap until the following fire counts as the window.
/// - `.schedule(cron, window: w)` with `w > 0`: a scheduled time `t` may be
///   acted on while `t <= now < t + w` (Vault: `now.Before(t + w)`, so at
///   exactly `t + w` the window is closed). With `s = cron.next(after: last)`:
///   - `now < s + w`: the next rotation is `s` (due once `now >= s`);
///   - otherwise `s` was missed and is skipped, never caught up. The next
///     rotation is the earliest scheduled time whose window is still open,
///     i.e. the first fire after `now - w` (and after `last`); normally that
///     is simply `cron.next(after: now)`, which is in the future, so the role
///     is not due until then.
///   Both cases are `cron.next(after: max(last, now - w))`.
///   A window of 0 or less means "no window", as Vault treats 0.
///
/// Why "first fire after `now - w`" rather than Vault's literal
/// `cron.next(after: now)`: Vault stores that result as the role's
/// `NextVaultRotation`, so the following slot is judged against its own
/// window. This plan is stateless (only `last` is persisted); re-deriving the
/// missed slot from `last` on every call would keep declaring it missed and
/// never rotate again. The formula gives the same answer as Vault whenever
/// Vault is running (it detects a miss within one 5 s tick of `s + w`); it
/// differs only after downtime, where it rotates inside a slot's window that
/// is open now instead of skipping that slot too.
///
/// `Date.distantFuture` is returned when the schedule never fires again (an
/// expression that cannot match within the search horizon), so such a role
/// is never due. Unlike Vault, instants are compared exactly rather than
/// truncated to whole Unix seconds.
package enum RotationPlan: Sendable, Hashable {
    /// Rotate every `seconds` after the last rotation (`rotation_period`).
    case period(seconds: Int64)
    /// Rotate on a cron schedule (`rotation_schedule`), optionally only within
    /// `window` seconds of each scheduled time (`rotation_window`).
    case schedule(CronSchedule, window: Int64?)

    /// When the next rotation should happen, given the last rotation and the
    /// current time; may be in the past (then `isDue` is true).
    package func nextRotation(after lastRotation: Date, now: Date) -> Date {
        switch self {
        case .period(let seconds):
            return lastRotation.addingTimeInterval(Double(seconds))
        case .schedule(let cron, let window):
            guard let window, window > 0 else {
                return cron.next(after: lastRotation) ?? .distantFuture
            }
            // The earliest fire whose window [t, t + w) still contains now or
            // lies ahead: t > now - w. See the type's doc comment.
            let windowStart = now.addingTimeInterval(-Double(window))
            return cron.next(after: max(lastRotation, windowStart)) ?? .distantFuture
        }
    }

    /// Whether the password should be rotated now.
    package func isDue(lastRotation: Date, now: Date) -> Bool {
        nextRotation(after: lastRotation, now: now) <= now
    }

    /// The `rotation_window` in seconds, if this plan has one.
    package var window: Int64? {
        if case .schedule(_, let window) = self { return window }
        return nil
    }
}
