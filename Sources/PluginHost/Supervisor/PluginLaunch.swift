import Synchronization

/// The outcome of one plugin launch, awaited by every caller that needs that start (and by a
/// stop that overtook it). The launch itself runs in the server's background task host, not in
/// a caller's task: a caller's cancellation must not abandon a half-started child.
final class PluginLaunch: Sendable {
    private enum State {
        case pending([CheckedContinuation<PluginProcess, any Error>])
        case finished(Result<PluginProcess, any Error>)
    }

    private let state = Mutex(State.pending([]))

    func finish(_ result: Result<PluginProcess, any Error>) {
        let waiters = state.withLock { state -> [CheckedContinuation<PluginProcess, any Error>] in
            guard case .pending(let waiters) = state else { return [] }
            state = .finished(result)
            return waiters
        }
        for waiter in waiters { waiter.resume(with: result) }
    }

    /// The started process, or why it did not start.
    var value: PluginProcess {
        get async throws {
            try await withCheckedThrowingContinuation { waiter in
                let finished = state.withLock { state -> Result<PluginProcess, any Error>? in
                    switch state {
                    case .pending(var waiters):
                        waiters.append(waiter)
                        state = .pending(waiters)
                        return nil
                    case .finished(let result):
                        return result
                    }
                }
                if let finished { waiter.resume(with: finished) }
            }
        }
    }
}
