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

    private struct Job {
        var priority: TaskPriority?
        var work: Work
    }

    private struct State {
        var pending: [Job] = []
        var isAccepting = true
        /// `run()` waiting for work.
        var idle: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    package init() {}

    /// Runs `work` as a child of `run()`, at `priority` (else the host's); work submitted before
    /// `run()` starts waits for it. False once the host has shut down: the work will never run.
    @discardableResult
    package func submit(priority: TaskPriority? = nil, _ work: @escaping Work) -> Bool {
        let (accepted, idle) = state.withLock { state -> (Bool, CheckedContinuation<Void, Never>?) in
            guard state.isAccepting else { return (false, nil) }
            state.pending.append(Job(priority: priority, work: work))
            defer { state.idle = nil }
            return (true, state.idle)
        }
        idle?.resume()
        return accepted
    }

    /// `submit` as a function value, for a module that does not know this type (the plugin host).
    package var submitter: @Sendable (@escaping Work) -> Bool {
        { work in self.submit(work) }
    }

    /// Run it at high priority (the server runs its service group so): the loop only hands work
    /// to the group, and behind a busy process's other work it could wait seconds to start an
    /// unseal's expiry work. Each job runs at its own priority, else the host's.
    package func run() async {
        await withDiscardingTaskGroup { group in
            await withGracefulShutdownHandler {
                while let batch = await nextBatch() {
                    for job in batch { group.addTask(priority: job.priority, operation: job.work) }
                }
            } onGracefulShutdown: {
                self.close()
            }
            // Shut down: every child is cancelled, and what was handed in meanwhile runs cancelled.
            group.cancelAll()
            for job in state.withLock({ state in defer { state.pending = [] }; return state.pending }) {
                group.addTask(priority: job.priority, operation: job.work)
            }
        }
    }

    /// The work handed in since the last call, waiting for some; nil once closed.
    private func nextBatch() async -> [Job]? {
        while true {
            let batch = state.withLock { state -> [Job]? in
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
