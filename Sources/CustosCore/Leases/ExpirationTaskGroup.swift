import Synchronization

/// The expiration manager's one task group: every task the manager starts (its timer, loaders,
/// revocation workers, restore) and the background work handed to it (asynchronous revocations,
/// tidy, the token sweep) is a child of it, so `shutDown()` on seal cancels and awaits them all
/// and nothing outlives the unseal it belongs to. The group itself runs as work of the core's
/// `BackgroundTaskHost`, a service of the server's group.
final class ExpirationTaskGroup: Sendable {
    struct Job: Sendable {
        var priority: TaskPriority?
        var work: @Sendable () async -> Void
    }

    private enum Phase {
        case idle
        /// Handed to the host, which may not have run it yet (or never will, once shut down).
        case submitted
        case running
        case shutDown
    }

    private struct State {
        var phase = Phase.idle
        var hasTimer = false
    }

    private let host: BackgroundTaskHost
    private let state = Mutex(State())
    private let jobs: AsyncStream<Job>
    private let submissions: AsyncStream<Job>.Continuation
    /// Finishes when the group has ended (every child has returned).
    private let ended: AsyncStream<Void>
    private let end: AsyncStream<Void>.Continuation
    private let interrupts = TimerInterrupts()

    init(host: BackgroundTaskHost) {
        self.host = host
        (jobs, submissions) = AsyncStream.makeStream(of: Job.self)
        (ended, end) = AsyncStream.makeStream(of: Void.self)
    }

    /// Runs `work` as a child task; dropped once shut down.
    func add(priority: TaskPriority?, _ work: @escaping @Sendable () async -> Void) {
        startIfNeeded()
        submissions.yield(Job(priority: priority, work: work))
    }

    private func startIfNeeded() {
        let submit = state.withLock { state -> Bool in
            guard case .idle = state.phase else { return false }
            state.phase = .submitted
            return true
        }
        guard submit else { return }
        // The runner only hands jobs to the group; each job runs at its own priority. It runs high,
        // whatever the host's priority, or every job would wait twice behind the server's other
        // work before it starts.
        if !host.submit(priority: .high, { await self.run() }) { end.finish() }
    }

    private func run() async {
        let start = state.withLock { state -> Bool in
            guard case .submitted = state.phase else { return false }
            state.phase = .running
            return true
        }
        defer { end.finish() }
        guard start else { return }
        let jobs = self.jobs
        await withDiscardingTaskGroup { group in
            for await job in jobs {
                group.addTask(priority: job.priority) { await job.work() }
            }
            // Seal (the jobs stream ended) or the host's shutdown (cancelled): stop every child.
            group.cancelAll()
        }
    }

    var hasTimer: Bool { state.withLock { $0.hasTimer } }

    /// Starts the one timer task, which sleeps until a wake-up or `interruptTimer()`.
    func startTimer(priority: TaskPriority?, _ body: @escaping @Sendable (TimerInterrupts) async -> Void) {
        let start = state.withLock { state -> Bool in
            guard !state.hasTimer, state.phase != .shutDown else { return false }
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
        let phase = state.withLock { state in
            defer { state.phase = .shutDown }
            return state.phase
        }
        submissions.finish()
        interrupts.interrupt()
        // Work the host never started will not start now; a running group ends with its children.
        guard case .running = phase else { return }
        for await _ in ended {}
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
