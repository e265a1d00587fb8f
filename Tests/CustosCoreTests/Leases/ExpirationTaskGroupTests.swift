@testable import CustosCore
import CustosJSON
import CustosTesting
import Foundation
import Synchronization
import Testing

/// The expiration manager's task group runs only as work of the core's `BackgroundTaskHost`
/// (a service of the server's group): seal ends it, and so does the host's shutdown.
@Suite(.timeLimit(.minutes(1))) struct ExpirationTaskGroupTests {
    /// Records that a job started, and whether it saw its cancellation.
    final class Probe: Sendable {
        let started: AsyncStream<Void>
        private let start: AsyncStream<Void>.Continuation
        let cancelled = Mutex(false)
        let ran = Mutex(false)

        init() { (started, start) = AsyncStream.makeStream(of: Void.self) }

        /// A job that runs until cancelled.
        var longJob: @Sendable () async -> Void {
            { [self] in
                ran.withLock { $0 = true }
                start.yield()
                while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
                cancelled.withLock { $0 = true }
            }
        }

        func waitUntilStarted() async {
            for await _ in started { return }
        }
    }

    @Test func workWaitsForTheHostAndSealCancelsAndAwaitsIt() async {
        let host = BackgroundTaskHost()
        let group = ExpirationTaskGroup(host: host)
        let probe = Probe()
        // Handed in before the host runs, as at an unseal that precedes the server's group.
        group.add(priority: nil, probe.longJob)
        await withDiscardingTaskGroup { services in
            services.addTask { await host.run() }
            await probe.waitUntilStarted()
            await group.shutDown()
            #expect(probe.cancelled.withLock { $0 }, "seal returns only once the job has ended")
            services.cancelAll()
        }
    }

    @Test func theHostsShutdownCancelsTheGroupAndSealThenReturnsAtOnce() async {
        let host = BackgroundTaskHost()
        let group = ExpirationTaskGroup(host: host)
        let probe = Probe()
        await withDiscardingTaskGroup { services in
            services.addTask { await host.run() }
            group.add(priority: nil, probe.longJob)
            await probe.waitUntilStarted()
            services.cancelAll()
        }
        // The host's children have all returned: the group ended with it.
        #expect(probe.cancelled.withLock { $0 })
        await group.shutDown()
    }

    @Test func aGroupSealedBeforeTheHostRanItNeverRunsItsWork() async {
        let host = BackgroundTaskHost()
        let group = ExpirationTaskGroup(host: host)
        let probe = Probe()
        group.add(priority: nil, probe.longJob)
        await group.shutDown()
        // Now the host runs what was handed to it, in order: once a later job has started, the
        // group's own has been started too, and the host ends once its children have returned.
        let sentinel = Probe()
        await withDiscardingTaskGroup { services in
            services.addTask { await host.run() }
            host.submit(sentinel.longJob)
            await sentinel.waitUntilStarted()
            services.cancelAll()
        }
        #expect(!probe.ran.withLock { $0 }, "work of a sealed unseal never starts")
        group.add(priority: nil, probe.longJob)
        #expect(!probe.ran.withLock { $0 }, "nothing is taken once shut down")
    }

    @Test func workHandedToAHostThatHasShutDownIsRefused() async {
        let host = BackgroundTaskHost()
        await withDiscardingTaskGroup { services in
            services.addTask { await host.run() }
            services.cancelAll()
        }
        #expect(!host.submit {})
        let group = ExpirationTaskGroup(host: host)
        let probe = Probe()
        group.add(priority: nil, probe.longJob)
        await group.shutDown()
        #expect(!probe.ran.withLock { $0 })
    }

    @Test func theHostsShutdownEndsAnArmedTimerBeforeAnySeal() async throws {
        let host = BackgroundTaskHost()
        let clock = ManualClock()
        let manager = ExpirationManager(
            storage: InMemoryStorage(), revoker: FakeLeaseRevoker(), tasks: host, clock: clock)
        await withDiscardingTaskGroup { services in
            services.addTask { await host.run() }
            try? await manager.register(LeaseEntry(
                id: "db/creds/r/1", issueTime: clock.now, expireTime: clock.now.addingTimeInterval(60),
                renewable: true, tokenAccessor: nil, mountAccessor: "mount-db", secretData: [:]))
            // The timer sleeps on the clock for the lease's expiry.
            for _ in 0..<10_000 where clock.sleeperCount == 0 {
                try? await Task.sleep(for: .milliseconds(1))
            }
            #expect(clock.sleeperCount == 1)
            // Graceful shutdown cancels the host before the server seals: the timer must end on
            // its cancellation, or the host (and the server's exit) would wait for it forever.
            services.cancelAll()
        }
        #expect(clock.sleeperCount == 0)
        await manager.stop()
    }
}
