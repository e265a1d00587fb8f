import Foundation

/// Where the restore after unseal is.
enum RestoreState: Sendable {
    case notStarted
    case running
    case finished(LeaseRestoreReport)
    case failed(LeaseError)
}

/// Restore at unseal: the queue read from storage is merged with what this process scheduled
/// meanwhile, and write-ahead records left by a crash are rolled back.
extension ExpiryStateMachine {
    /// False when a restore already ran or the manager is stopped.
    mutating func startRestore() -> Bool {
        guard case .notStarted = restore, !stopped else { return false }
        restore = .running
        return true
    }

    /// Installs the queue read from storage, merged with what this process scheduled while it
    /// was read (newer); claimed ids stay out (their holder reschedules them). The wake-up is
    /// re-armed for the merged queue.
    mutating func installRestored(_ restoredQueue: ExpirationQueue, now: Date) -> (queued: Int, due: Int, actions: [ExpiryAction]) {
        var restored = restoredQueue
        for entry in queue.entries {
            restored.schedule(entry.id, at: entry.deadline)
        }
        for id in claimed {
            restored.cancel(id)
        }
        replaceQueue(with: restored)
        let nowMilliseconds = Self.milliseconds(now)
        let due = restored.entries.reduce(0) { $1.deadline <= nowMilliseconds ? $0 + 1 : $0 }
        return (restored.count, due, arm())
    }

    /// A write-ahead record found in storage is rolled back unless this process began it.
    func isLeftByCrash(_ record: PendingIssue) -> Bool { !localPending.contains(record.id) }

    mutating func finishRestore(_ result: Result<LeaseRestoreReport, LeaseError>) {
        localPending.subtract(endedBeforeRestore)
        endedBeforeRestore = []
        switch result {
        case .success(let report): restore = .finished(report)
        case .failure(let error): restore = .failed(error)
        }
    }
}
