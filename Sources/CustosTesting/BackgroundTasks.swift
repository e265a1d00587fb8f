package import CustosCore

/// Runs `body` while `host` runs, as the server's service group runs it; the host is cancelled
/// (as at graceful shutdown) once `body` returns.
package func withBackgroundTasks<T: Sendable>(
    _ host: BackgroundTaskHost, _ body: () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask(priority: .high) { await host.run() }
        defer { group.cancelAll() }
        return try await body()
    }
}

extension BackgroundTaskHost {
    /// For a test whose core outlives any one scope (a fixture made in one call and used in the
    /// next): runs the host in a task of its own, which waits for work until the process ends.
    package func runDetachedForTesting() {
        Task(priority: .high) { await self.run() }
    }

    /// A host already running as `runDetachedForTesting()` runs it.
    package static func runningForTesting() -> BackgroundTaskHost {
        let host = BackgroundTaskHost()
        host.runDetachedForTesting()
        return host
    }
}
