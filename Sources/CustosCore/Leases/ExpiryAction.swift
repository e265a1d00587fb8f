/// What `ExpiryStateMachine` asks its driver (`ExpirationManager`) to do. Every action that
/// touches storage or an engine runs in the driver's task group and reports back with the
/// event named here.
enum ExpiryAction: Sendable, Equatable {
    /// Sleep until this time (ms since 1970), then report `timerFired`; replaces the wake-up
    /// asked for before.
    case wakeUp(at: Int64)
    /// Load these due leases from storage (to learn their mount), then report `loaded`.
    case load([ExpirationQueue.Entry])
    /// Revoke these leases through the mount's engine, then report `revocationsFinished`.
    case revoke(mount: String, [MountWorkQueue.Item])
    /// Store a chunk's results in one write, then report `committed`.
    case persist(RevocationCommit)
    /// Delete index keys that point at no lease.
    case deleteKeys([String])
    /// Delete these leases (force-revoked while their revocation was in flight).
    case remove([LeaseEntry])
    /// Delete a force-revoked lease, then `release` its claim.
    case removeDropped(LeaseEntry)
    /// Delete the lease if it is still stored (force-revoked while its claim was out).
    case removeIfPresent(String)
}

/// What an engine call did to one lease of a revocation chunk.
enum RevocationResult: Sendable, Equatable {
    case revoked(LeaseEntry)
    /// The engine failed with this (secret-free) message.
    case failed(LeaseEntry, message: String)
    /// The lease was no longer stored (revoked meanwhile).
    case gone(String)
    /// The lease could not be read (storage trouble): retried after the first back-off step.
    case unreadable(String)
    /// The call was cancelled (seal): not an attempt; revoked again after the next unseal.
    case interrupted(String)
}

/// A chunk's results to store in one write: revoked leases removed, failed ones updated with
/// their new attempt count.
struct RevocationCommit: Sendable, Equatable {
    struct Outcome: Sendable, Equatable {
        var lease: LeaseEntry
        var revoked: Bool
        /// When to try again (ms); nil when revoked or now irrevocable.
        var reschedule: Int64?
    }

    var mount: String
    var changes: [LeaseChange]
    var outcomes: [Outcome]
    /// Leases gone meanwhile: their claims just end.
    var gone: [String]
    /// Leases to retry after the first back-off step, counting no attempt.
    var retry: [String]
}
