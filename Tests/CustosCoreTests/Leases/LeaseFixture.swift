import CustosJSON
import Foundation
@testable import CustosCore
import CustosTesting

/// A manager over in-memory (or given) storage, a hand-driven clock and a fake engine.
struct LeaseFixture {
    let storage: any StorageBackend
    let clock: ManualClock
    let revoker: FakeLeaseRevoker
    let manager: ExpirationManager

    init(
        storage: any StorageBackend = InMemoryStorage(), clock: ManualClock = ManualClock(),
        revoker: FakeLeaseRevoker = FakeLeaseRevoker(), retry: RevocationRetryPolicy = .deterministic,
        perMount: Int = 8
    ) {
        self.storage = storage
        self.clock = clock
        self.revoker = revoker
        var configuration = ExpirationManager.Configuration()
        configuration.retryPolicy = retry
        configuration.revocationConcurrencyPerMount = perMount
        // Wake exactly at each deadline: the hand-driven clock only moves when a test says so.
        configuration.timerResolution = 0
        let tasks = BackgroundTaskHost()
        tasks.runDetachedForTesting()
        manager = ExpirationManager(
            storage: storage, revoker: revoker, tasks: tasks, clock: clock, configuration: configuration)
    }

    /// A second manager over the same storage and clock, as after a restart.
    func restarted(
        revoker: FakeLeaseRevoker = FakeLeaseRevoker(), retry: RevocationRetryPolicy = .deterministic
    ) -> LeaseFixture {
        LeaseFixture(storage: storage, clock: clock, revoker: revoker, retry: retry)
    }

    func lease(
        _ id: String, ttl: TimeInterval, mount: String = "mount-db", token: String? = nil, renewable: Bool = true
    ) -> LeaseEntry {
        LeaseEntry(
            id: id, issueTime: clock.now, expireTime: clock.now.addingTimeInterval(ttl), renewable: renewable,
            tokenAccessor: token, mountAccessor: mount, secretData: ["username": .string("v-\(id.count)")])
    }

    @discardableResult
    func register(_ id: String, ttl: TimeInterval, mount: String = "mount-db", token: String? = nil,
                  renewable: Bool = true) async throws -> LeaseEntry {
        let lease = lease(id, ttl: ttl, mount: mount, token: token, renewable: renewable)
        try await manager.register(lease)
        return lease
    }

    /// Moves time and waits until the manager has done everything now due.
    func advance(by seconds: TimeInterval) async {
        clock.advance(by: seconds)
        await manager.waitUntilIdle()
    }
}

extension RevocationRetryPolicy {
    /// 1 s doubling, no jitter, irrevocable after 3 failures.
    static let deterministic = RevocationRetryPolicy(baseDelay: 1, maxDelay: 300, maxAttempts: 3, jitter: 0)
}
