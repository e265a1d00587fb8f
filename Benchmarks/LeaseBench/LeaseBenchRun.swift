import CustosCore
import CustosJSON
import Foundation

/// One benchmark run at one stored-lease count.
struct LeaseBenchRun {
    let size: Int
    let path: String
    /// Through the encrypting `Barrier` (as in production) rather than plain SQLite.
    let throughBarrier: Bool
    private let rootKey = (0..<32).map { _ in UInt8.random(in: .min ... .max) }

    init(size: Int, path: String, throughBarrier: Bool) {
        self.size = size
        self.path = path
        self.throughBarrier = throughBarrier
    }

    /// A new storage object over the file, as a server opens it at start-up (and unseals).
    private func openStorage() async throws -> any StorageBackend {
        let physical = try SQLiteStorage(path: path)
        guard throughBarrier else { return physical }
        let barrier = Barrier(physical: physical)
        if try await !barrier.isInitialized() {
            try await barrier.initialize(rootKey: rootKey)
        }
        try await barrier.unseal(rootKey: rootKey)
        return barrier
    }

    func run() async throws -> String {
        let populateSeconds = try await populate()
        // The manager's work runs in a host, as in the server's service group.
        let tasks = BackgroundTaskHost()
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask(priority: .high) { await tasks.run() }
            defer { group.cancelAll() }
            return try await measure(tasks: tasks, populateSeconds: populateSeconds)
        }
    }

    private func measure(tasks: BackgroundTaskHost, populateSeconds: Double) async throws -> String {
        // A fresh storage object and manager, as after a restart + unseal.
        let revoker = TimingRevoker()
        let manager = ExpirationManager(storage: try await openStorage(), revoker: revoker, tasks: tasks)
        let rssBefore = ProcessMemory.residentBytes()
        let restoreStart = ContinuousClock.now
        await manager.restore()
        let restoreCallReturned = ContinuousClock.now - restoreStart
        let restored = try await manager.waitForRestore()
        let restoreTotal = ContinuousClock.now - restoreStart
        let rssAfterRestore = ProcessMemory.residentBytes()
        let queued = await manager.queuedCount

        let burst = try await measureBurst(manager: manager, revoker: revoker)
        let revokePrefix = try await measureRevokePrefix(manager: manager)
        await manager.stop()

        return """
            \(size) leases (populated in \(format(populateSeconds)) s):
              restore: \(format(restoreTotal.seconds)) s to queue \(queued) (report: \(restored.queued) queued, \
            \(restored.alreadyDue) due); restore() returned in \(format(restoreCallReturned.seconds * 1000)) ms
              resident: \(ProcessMemory.mebibytes(rssBefore)) MiB before restore, \
            \(ProcessMemory.mebibytes(rssAfterRestore)) MiB after, \
            peak \(ProcessMemory.mebibytes(ProcessMemory.peakResidentBytes())) MiB
              burst of 10000 expiring within one second: lateness p50 \(format(burst.p50 * 1000)) ms, \
            p99 \(format(burst.p99 * 1000)) ms, max \(format(burst.max * 1000)) ms \
            (registering them took \(format(burst.registerSeconds)) s)
              request path during the burst: \(burst.requestLatencies.count) sequential lease registrations, \
            p50 \(format(burst.requestP50 * 1000)) ms, p99 \(format(burst.requestP99 * 1000)) ms
              revoke-prefix of 10000 leases (no-op engine): \(format(revokePrefix)) s
            """
    }

    /// The stored leases a previous server run would have left, written straight through the storage.
    private func populate() async throws -> Double {
        let start = ContinuousClock.now
        try await StoredLeases.write(size, to: try await openStorage(), mountAccessor: "database_0123abcd")
        return (ContinuousClock.now - start).seconds
    }

    private struct Burst {
        var p50: Double, p99: Double, max: Double, registerSeconds: Double
        /// Latencies of request-path registrations made while the burst is being revoked.
        var requestLatencies: [Double]
        var requestP50: Double { percentile(requestLatencies, 0.5) }
        var requestP99: Double { percentile(requestLatencies, 0.99) }
    }

    /// Registers 10k leases expiring evenly over one second starting 3 s after registration
    /// begins, and measures when the engine is asked to revoke each.
    private func measureBurst(manager: ExpirationManager, revoker: TimingRevoker) async throws -> Burst {
        let count = 10_000
        let start = Date().addingTimeInterval(3)
        revoker.expect(count)
        let registerStart = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<64 {
                group.addTask {
                    for index in stride(from: worker, to: count, by: 64) {
                        let expire = start.addingTimeInterval(Double(index) / Double(count))
                        try await manager.register(LeaseEntry(
                            id: "burst/creds/r/\(BenchIDs.random(index))", issueTime: Date(), expireTime: expire,
                            renewable: true, tokenAccessor: nil, mountAccessor: "burst_mount",
                            secretData: ["username": .string("v-\(index)")]))
                    }
                }
            }
            try await group.waitForAll()
        }
        let registerSeconds = (ContinuousClock.now - registerStart).seconds
        // Meanwhile, a client keeps issuing leases (one at a time) from the burst's start until
        // every burst lease is revoked: the storm must not make the request path wait.
        try await Task.sleep(for: .seconds(max(0, start.timeIntervalSinceNow)))
        let client = Task {
            var latencies: [Double] = []
            var index = 0
            while !Task.isCancelled {
                let begin = ContinuousClock.now
                try await manager.register(LeaseEntry(
                    id: "client/creds/r/\(BenchIDs.random(index))", issueTime: Date(),
                    expireTime: Date().addingTimeInterval(86_400), renewable: true, tokenAccessor: nil,
                    mountAccessor: "client_mount", secretData: nil))
                latencies.append((ContinuousClock.now - begin).seconds)
                index += 1
            }
            return latencies
        }
        let lateness = await revoker.waitForAll().sorted()
        client.cancel()
        let requestLatencies = try await client.value.sorted()
        return Burst(
            p50: percentile(lateness, 0.5), p99: percentile(lateness, 0.99), max: lateness.last ?? 0,
            registerSeconds: registerSeconds, requestLatencies: requestLatencies)
    }

    private func measureRevokePrefix(manager: ExpirationManager) async throws -> Double {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<64 {
                group.addTask {
                    for index in stride(from: worker, to: 10_000, by: 64) {
                        try await manager.register(LeaseEntry(
                            id: "prefix/creds/r/\(BenchIDs.random(index))", issueTime: Date(),
                            expireTime: Date().addingTimeInterval(86_400), renewable: true, tokenAccessor: nil,
                            mountAccessor: "prefix_mount", secretData: nil))
                    }
                }
            }
            try await group.waitForAll()
        }
        let start = ContinuousClock.now
        let result = try await manager.revokePrefix("prefix/")
        precondition(result.revoked == 10_000, "revoke-prefix revoked \(result.revoked)")
        return (ContinuousClock.now - start).seconds
    }
}

/// `sorted` must be sorted ascending.
func percentile(_ sorted: [Double], _ fraction: Double) -> Double {
    guard !sorted.isEmpty else { return 0 }
    return sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))]
}

func format(_ value: Double) -> String {
    String(format: value < 10 ? "%.2f" : "%.0f", value)
}

extension Duration {
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}

/// Lease-id-shaped random suffixes (24 characters like real ids), unique per index.
enum BenchIDs {
    static func random(_ index: Int) -> String {
        let tag = String(index, radix: 36)
        let filler = String(repeating: "x", count: max(0, 24 - tag.count - 1))
        return filler + "-" + tag
    }
}
