import CustosCore
import Foundation
import Synchronization

/// A no-op engine that records, for leases expiring on their own, how late the revocation came.
final class TimingRevoker: LeaseRevoker {
    private struct State {
        var lateness: [Double] = []
        var expected = 0
        var waiter: CheckedContinuation<[Double], Never>?
    }

    private let state = Mutex(State())

    func expect(_ count: Int) {
        state.withLock { state in
            state.lateness = []
            state.lateness.reserveCapacity(count)
            state.expected = count
        }
    }

    /// The lateness (seconds) of each of the expected revocations, once all have happened.
    func waitForAll() async -> [Double] {
        await withCheckedContinuation { continuation in
            let done = state.withLock { state -> [Double]? in
                if state.lateness.count >= state.expected { return state.lateness }
                state.waiter = continuation
                return nil
            }
            if let done { continuation.resume(returning: done) }
        }
    }

    func revoke(_ lease: LeaseEntry) async throws {
        guard lease.mountAccessor == "burst_mount" else { return }
        let late = Date().timeIntervalSince(lease.expireTime)
        let finished = state.withLock { state -> (CheckedContinuation<[Double], Never>, [Double])? in
            state.lateness.append(late)
            guard state.lateness.count == state.expected, let waiter = state.waiter else { return nil }
            state.waiter = nil
            return (waiter, state.lateness)
        }
        if let (waiter, lateness) = finished { waiter.resume(returning: lateness) }
    }

    func renew(_ lease: LeaseEntry, ttl: VaultDuration) async throws {}
}

/// Resident memory from /proc/self/status (Linux).
enum ProcessMemory {
    static func residentBytes() -> Int { field("VmRSS:") }
    static func peakResidentBytes() -> Int { field("VmHWM:") }

    static func mebibytes(_ bytes: Int) -> Int { bytes / (1024 * 1024) }

    private static func field(_ name: String) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix(name) {
            let fields = line.dropFirst(name.count).split(whereSeparator: { $0 == " " || $0 == "\t" })
            let kilobytes = fields.first.flatMap { Int($0) } ?? 0
            return kilobytes * 1024
        }
        return 0
    }
}
