import Synchronization

/// The expiration manager's one long-running task group: every task the manager starts (its
/// timer, loaders, revocation workers, restore) and the background work handed to it
/// (asynchronous revocations, tidy, the token sweep) is a child of it, so `shutDown()` on seal
/// cancels and awaits them all and nothing outlives the unseal it belongs to.
final class ExpirationTaskGroup: Sendable {
    struct Job: Sendable {
        var priority: TaskPriority?
        var work: @Sendable () async -> Void
    }

    private struct State {
        var run: Task<Void, Never>?
        var hasTimer = false
        var isShutDown = false
    }

    private let state = Mutex(State())
    private let jobs: AsyncStream<Job>
    private let submissions: AsyncStream<Job>.Continuation
    private let interrupts = TimerInterrupts()

    init() {
        (jobs, submissions) = AsyncStream.makeStream(of: Job.self)
    }

    /// Runs `work` as a child task; dropped once shut down.
    func add(priority: TaskPriority?, _ work: @escaping @Sendable () async -> Void) {
        startIfNeeded()
        submissions.yield(Job(priority: priority, work: work))
    }

    private func startIfNeeded() {
        state.withLock { state in
            guard state.run == nil, !state.isShutDown else { return }
            let jobs = self.jobs
            // The runner only hands jobs to the group; each job runs at its own priority. It must
            // not inherit a background priority from whoever started it, or every job would wait
            // twice behind the server's other work before it starts.
            state.run = Task(priority: .high) {
                await withDiscardingTaskGroup { group in
                    for await job in jobs {
                        group.addTask(priority: job.priority) { await job.work() }
                    }
                }
            }
        }
    }

    var hasTimer: Bool { state.withLock { $0.hasTimer } }

    /// Starts the one timer task, which sleeps until a wake-up or `interruptTimer()`.
    func startTimer(priority: TaskPriority?, _ body: @escaping @Sendable (TimerInterrupts) async -> Void) {
        let start = state.withLock { state -> Bool in
            guard !state.hasTimer, !state.isShutDown else { return false }
            state.hasTimer = true
            return true
        }
        guard start else { return }
        let interrupts = self.interrupts
        add(priority: priority) { await body(interrupts) }
    }

    /// Ends the timer's current sleep: it goes back for the newly armed wake-up.
    func interruptTimer() { interrupts.interrupt() }

    /// Takes no more work, cancels every child and waits for all of them to end.
    func shutDown() async {
        let run = state.withLock { state in
            state.isShutDown = true
            return state.run
        }
        submissions.finish()
        interrupts.interrupt()
        run?.cancel()
        await run?.value
    }

    /// One signal per sleep of the timer: interrupting ends the current one.
    final class TimerInterrupts: Sendable {
        struct Signal: Sendable {
            fileprivate let stream: AsyncStream<Void>

            /// Returns once interrupted (or cancelled).
            func wait() async {
                for await _ in stream {}
            }
        }

        private let current = Mutex<AsyncStream<Void>.Continuation?>(nil)

        /// The signal for the next sleep (the previous one ends).
        func next() -> Signal {
            let (stream, continuation) = AsyncStream.makeStream(of: Void.self)
            let previous = current.withLock { current in
                defer { current = continuation }
                return current
            }
            previous?.finish()
            return Signal(stream: stream)
        }

        func interrupt() {
            current.withLock { $0 }?.finish()
        }
    }
}
