import ServiceLifecycle
import Synchronization

/// Runs background work that lives shorter than the server (an unseal's expiry loops, the token
/// sweep, tidy, an engine's static rotations, a plugin's launch) as children of one `Service` in
/// the server's group, so no such work is an unstructured task: it ends itself when its owner
/// stops, or is cancelled at graceful shutdown. The core has one; the plugin side (database
/// engines and plugin launches) shares another, shut down before the plugin processes.
///
/// Work it accepts always runs, if only cancelled (the host was shutting down), so whoever
/// waits for it hears back; work it refuses (`submit` returns false) never runs.
package final class BackgroundTaskHost: Service, Sendable {
    package typealias Work = @Sendable () async -> Void

    private struct State {
        var pending: [Work] = []
        var isAccepting = true
        /// `run()` waiting for work.
        var idle: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    package init() {}

    /// Runs `work` as a child of `run()`; work submitted before `run()` starts waits for it.
    /// False once the host has shut down: the work will never run.
    @discardableResult
    package func submit(_ work: @escaping Work) -> Bool {
        let (accepted, idle) = state.withLock { state -> (Bool, CheckedContinuation<Void, Never>?) in
            guard state.isAccepting else { return (false, nil) }
            state.pending.append(work)
            defer { state.idle = nil }
            return (true, state.idle)
        }
        idle?.resume()
        return accepted
    }

    package func run() async {
        await withDiscardingTaskGroup { group in
            await withGracefulShutdownHandler {
                while let batch = await nextBatch() {
                    for work in batch { group.addTask(operation: work) }
                }
            } onGracefulShutdown: {
                self.close()
            }
            // Shut down: every child is cancelled, and what was handed in meanwhile runs cancelled.
            group.cancelAll()
            for work in state.withLock({ state in defer { state.pending = [] }; return state.pending }) {
                group.addTask(operation: work)
            }
        }
    }

    /// The work handed in since the last call, waiting for some; nil once closed.
    private func nextBatch() async -> [Work]? {
        while true {
            let batch = state.withLock { state -> [Work]? in
                guard state.isAccepting else { return nil }
                defer { state.pending = [] }
                return state.pending
            }
            guard let batch else { return nil }
            if !batch.isEmpty { return batch }
            await withTaskCancellationHandler {
                await withCheckedContinuation { idle in
                    let ready = state.withLock { state -> Bool in
                        guard state.isAccepting, state.pending.isEmpty else { return true }
                        state.idle = idle
                        return false
                    }
                    if ready { idle.resume() }
                }
            } onCancel: {
                self.close()
            }
        }
    }

    /// Takes no more work and wakes `run()`.
    private func close() {
        let idle = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.isAccepting = false
            defer { state.idle = nil }
            return state.idle
        }
        idle?.resume()
    }
}
