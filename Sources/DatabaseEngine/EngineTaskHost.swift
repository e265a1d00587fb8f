import ServiceLifecycle

/// Runs the database engines' background work (the static-role rotation schedulers) as children
/// of one `Service` in the server's group. An engine lives from unseal or enable to seal or
/// disable, shorter than the server, so it hands its work in here instead of starting a task of
/// its own; the work ends itself when its engine stops, or is cancelled at graceful shutdown.
final class EngineTaskHost: Service, Sendable {
    typealias Work = @Sendable () async -> Void

    private let queue: AsyncStream<Work>
    private let submissions: AsyncStream<Work>.Continuation

    init() {
        (queue, submissions) = AsyncStream.makeStream(of: Work.self)
    }

    /// Runs `work` as a child of `run()`; dropped if the host has already shut down.
    func submit(_ work: @escaping Work) {
        submissions.yield(work)
    }

    func run() async {
        await withDiscardingTaskGroup { group in
            for await work in queue.cancelOnGracefulShutdown() {
                group.addTask(operation: work)
            }
            submissions.finish()
            group.cancelAll()
        }
    }
}
