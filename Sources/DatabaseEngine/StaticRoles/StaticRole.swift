import CustosCore
import Foundation

/// A static role (`static-roles/<name>`) as stored, barrier-encrypted in the engine's storage:
/// one existing database user whose password Custos owns and rotates. The password and the
/// rotation state live here so that the schedule survives restarts.
struct StaticRole: Codable, Sendable, Equatable {
    var dbName: String
    var username: String
    /// Seconds between rotations; 0 with no schedule means manual rotation only (`rotate-role`).
    var rotationPeriod: Int64 = 0
    var rotationSchedule: String = ""
    /// Seconds after each scheduled time during which the rotation may run; 0 = no window.
    var rotationWindow: Int64 = 0
    var rotationStatements: [String] = []
    var credentialType: String = "password"
    var skipImportRotation: Bool = false
    /// nil until Custos first sets it (a role written with `skip_import_rotation`).
    var password: String?
    var lastVaultRotation: Date?
    /// The next scheduled rotation; nil for manual-only roles.
    var nextVaultRotation: Date?
    /// Consecutive failed tries of the current rotation.
    var failures: Int = 0
    /// When the failed rotation is tried again (back-off); nil when the last try succeeded.
    var retryAt: Date?
    /// The last failure's message (secret-free: plugin messages never hold a password).
    var lastError: String?

    static let storagePrefix = "static-role/"
    static func storageKey(_ name: String) -> String { storagePrefix + name }

    /// The rotation plan; nil for manual-only roles. The schedule text was validated on write;
    /// one that no longer parses rotates never rather than trapping.
    var plan: RotationPlan? {
        if rotationPeriod > 0 { return .period(seconds: rotationPeriod) }
        guard !rotationSchedule.isEmpty, let cron = try? CronSchedule(rotationSchedule) else { return nil }
        return .schedule(cron, window: rotationWindow > 0 ? rotationWindow : nil)
    }

    var timer: StaticRotationQueue.Timer {
        StaticRotationQueue.Timer(plan: plan, next: nextVaultRotation, retryAt: retryAt)
    }

    /// After a successful rotation at `now`: the password is the new one, the schedule restarts.
    mutating func rotated(to newPassword: String, at now: Date) {
        password = newPassword
        lastVaultRotation = now
        nextVaultRotation = StaticRotationQueue.nextSlot(plan, after: now)
        failures = 0
        retryAt = nil
        lastError = nil
    }

    /// After a failed try at `now`: retried with back-off, the message kept for `read`.
    mutating func failed(_ message: String, at now: Date, jitter: Double = Double.random(in: 0..<1)) {
        failures += 1
        lastError = message
        retryAt = now.addingTimeInterval(StaticRotationQueue.retryDelay(failures: failures, jitter: jitter))
    }
}

/// The write-ahead record of a static-role rotation: the password about to be set, stored
/// (barrier-encrypted) before the database is asked to take it.
struct PendingStaticRotation: Codable {
    var password: String
}
