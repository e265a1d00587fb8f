import Synchronization

/// Wakes one sleeper: `wait()` returns at the next `signal()`, at once if a signal came since
/// the last wait, or when its task is cancelled.
final class WakeSignal: Sendable {
    private enum State {
        case idle
        case signalled
        case waiting(CheckedContinuation<Void, Never>)
    }

    private let state = Mutex(State.idle)

    func signal() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard case .waiting(let waiter) = state else {
                state = .signalled
                return nil
            }
            state = .idle
            return waiter
        }
        waiter?.resume()
    }

    /// One waiter at a time (a second concurrent waiter takes the first one's place and the first
    /// returns).
    func wait() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let outcome = state.withLock { state -> (resumeNow: Bool, replaced: CheckedContinuation<Void, Never>?) in
                    switch state {
                    case .signalled:
                        state = .idle
                        return (true, nil)
                    case .idle:
                        // Cancelled before this registered: the handler found nothing to resume.
                        if Task.isCancelled { return (true, nil) }
                        state = .waiting(continuation)
                        return (false, nil)
                    case .waiting(let earlier):
                        state = .waiting(continuation)
                        return (false, earlier)
                    }
                }
                outcome.replaced?.resume()
                if outcome.resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                guard case .waiting(let waiter) = state else { return nil }
                state = .idle
                return waiter
            }
            waiter?.resume()
        }
    }
}
