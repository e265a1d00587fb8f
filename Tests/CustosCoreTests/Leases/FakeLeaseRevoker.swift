import CustosJSON
import Foundation
import Synchronization
@testable import CustosCore

/// A fake secrets engine for lease tests: records every call, can be told to fail (per mount)
/// or to hang (per mount, until released), and lets tests await a number of calls instead of
/// sleeping.
final class FakeLeaseRevoker: LeaseRevoker {
    struct EngineFailure: Error, SecretFreeErrorMessage {
        var secretFreeMessage: String { "database unreachable" }
    }

    private struct CallWaiter {
        var mount: String?
        var count: Int
        var continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var revoked: [LeaseEntry] = []
        var attempts: [String: Int] = [:]
        var renewed: [(id: String, ttl: VaultDuration)] = []
        var failingMounts: Set<String> = []
        var hangingMounts: Set<String> = []
        var hung: [String: [CheckedContinuation<Void, Never>]] = [:]
        var callsByMount: [String: Int] = [:]
        var waiters: [CallWaiter] = []
    }

    private let state = Mutex(State())

    var revokedIDs: [String] { state.withLock { $0.revoked.map(\.id) } }
    var revokedLeases: [LeaseEntry] { state.withLock { $0.revoked } }
    var renewals: [(id: String, ttl: VaultDuration)] { state.withLock { $0.renewed } }
    func attempts(_ id: String) -> Int { state.withLock { $0.attempts[id, default: 0] } }
    func calls(on mount: String) -> Int { state.withLock { $0.callsByMount[mount, default: 0] } }

    func fail(mount: String, _ failing: Bool = true) {
        state.withLock { if failing { $0.failingMounts.insert(mount) } else { $0.failingMounts.remove(mount) } }
    }

    func hang(mount: String) {
        state.withLock { _ = $0.hangingMounts.insert(mount) }
    }

    /// Lets the calls hanging on `mount` (and later ones) go through.
    func releaseHung(mount: String) {
        let hung = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.hangingMounts.remove(mount)
            return state.hung.removeValue(forKey: mount) ?? []
        }
        for continuation in hung { continuation.resume() }
    }

    /// Returns once at least `count` revoke calls were made (on `mount`, or in total).
    func waitForCalls(_ count: Int, on mount: String? = nil) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state -> Bool in
                if Self.callCount(state, mount) >= count { return true }
                state.waiters.append(CallWaiter(mount: mount, count: count, continuation: continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }

    private static func callCount(_ state: State, _ mount: String?) -> Int {
        mount.map { state.callsByMount[$0, default: 0] } ?? state.callsByMount.values.reduce(0, +)
    }

    func revoke(_ lease: LeaseEntry) async throws {
        let (hang, fail, ready) = state.withLock { state -> (Bool, Bool, [CheckedContinuation<Void, Never>]) in
            state.attempts[lease.id, default: 0] += 1
            state.callsByMount[lease.mountAccessor, default: 0] += 1
            var ready: [CheckedContinuation<Void, Never>] = []
            var waiting: [CallWaiter] = []
            for waiter in state.waiters {
                if Self.callCount(state, waiter.mount) >= waiter.count {
                    ready.append(waiter.continuation)
                } else {
                    waiting.append(waiter)
                }
            }
            state.waiters = waiting
            let mount = lease.mountAccessor
            return (state.hangingMounts.contains(mount), state.failingMounts.contains(mount), ready)
        }
        for continuation in ready { continuation.resume() }
        if hang {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let stillHanging = state.withLock { state -> Bool in
                    guard state.hangingMounts.contains(lease.mountAccessor) else { return false }
                    state.hung[lease.mountAccessor, default: []].append(continuation)
                    return true
                }
                if !stillHanging { continuation.resume() }
            }
        }
        if fail { throw EngineFailure() }
        state.withLock { $0.revoked.append(lease) }
    }

    func renew(_ lease: LeaseEntry, ttl: VaultDuration) async throws {
        let fail = state.withLock { state -> Bool in
            state.renewed.append((lease.id, ttl))
            return state.failingMounts.contains(lease.mountAccessor)
        }
        if fail { throw EngineFailure() }
    }
}
