import ServiceLifecycle

/// Runs background work that lives shorter than the server (an unseal's expiry loops, the token
/// sweep, tidy, an engine's static rotations) as children of one `Service` in the server's group,
/// so no such work is an unstructured task: it ends itself when its owner stops, or is cancelled
/// at graceful shutdown. The core has one; the database engines share another, shut down before
/// the plugin processes they call.
package final class BackgroundTaskHost: Service, Sendable {
    package typealias Work = @Sendable () async -> Void

    private let queue: AsyncStream<Work>
    private let submissions: AsyncStream<Work>.Continuation

    package init() {
        (queue, submissions) = AsyncStream.makeStream(of: Work.self)
    }

    /// Runs `work` as a child of `run()`. False when the host has shut down: the work will never
    /// run. Work submitted before `run()` starts waits for it.
    @discardableResult
    package func submit(_ work: @escaping Work) -> Bool {
        if case .enqueued = submissions.yield(work) { return true }
        return false
    }

    package func run() async {
        await withDiscardingTaskGroup { group in
            for await work in queue.cancelOnGracefulShutdown() {
                group.addTask(operation: work)
            }
            submissions.finish()
            group.cancelAll()
        }
    }
}
