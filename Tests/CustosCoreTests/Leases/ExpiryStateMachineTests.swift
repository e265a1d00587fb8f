import CustosJSON
import Foundation
import Testing
@testable import CustosCore

/// The expiration manager's decisions, fed events with explicit times: no storage, engine,
/// clock, task or sleep.
@Suite struct ExpiryStateMachineTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    static func at(_ seconds: TimeInterval) -> Date { start.addingTimeInterval(seconds) }
    static func ms(_ seconds: TimeInterval) -> Int64 { LeaseStorageLayout.milliseconds(at(seconds)) }

    static func machine(perMount: Int = 8) -> ExpiryStateMachine {
        var configuration = ExpirationManager.Configuration()
        configuration.retryPolicy = .deterministic  // 1 s doubling, no jitter, 3 attempts
        configuration.revocationConcurrencyPerMount = perMount
        configuration.timerResolution = 0
        return ExpiryStateMachine(configuration: configuration)
    }

    static func lease(_ id: String, expiresAt seconds: TimeInterval, mount: String = "m") -> LeaseEntry {
        LeaseEntry(
            id: id, issueTime: start, expireTime: at(seconds), renewable: true, tokenAccessor: nil,
            mountAccessor: mount, secretData: .null)
    }

    static func entry(_ lease: LeaseEntry) -> ExpirationQueue.Entry {
        ExpirationQueue.Entry(deadline: LeaseStorageLayout.milliseconds(lease.scheduledTime ?? lease.expireTime), id: lease.id)
    }

    /// Drives one stored lease that is due at `now` to its engine call; returns the chunk's
    /// commit for `result`.
    static func expire(
        _ machine: inout ExpiryStateMachine, _ lease: LeaseEntry, now: Date, result: RevocationResult
    ) throws -> RevocationCommit {
        let fired = machine.timerFired(now: now)
        #expect(fired.contains(.load([entry(lease)])))
        let routed = machine.loaded([(entry(lease), lease)], unreadable: [], now: now)
        #expect(routed == [.revoke(mount: "m", [.loaded(lease)])])
        let actions = machine.revocationsFinished(mount: "m", [result], now: now)
        guard case .persist(let commit) = try #require(actions.first), actions.count == 1 else {
            Issue.record("expected one persist action, got \(actions)")
            throw CancellationError()
        }
        return commit
    }

    @Test func expiresInDeadlineOrderWithOneWakeUpAtATime() {
        var machine = Self.machine()
        let (a, b, c) = (Self.lease("m/a", expiresAt: 10), Self.lease("m/b", expiresAt: 20), Self.lease("m/c", expiresAt: 10))
        let first = machine.schedule(b.id, at: Self.ms(20))
        let earlier = machine.schedule(a.id, at: Self.ms(10))
        let same = machine.schedule(c.id, at: Self.ms(10))
        #expect(first == [.wakeUp(at: Self.ms(20))])
        #expect(earlier == [.wakeUp(at: Self.ms(10))])  // re-armed
        #expect(same.isEmpty)  // already armed by then

        let early = machine.timerFired(now: Self.at(5))
        #expect(early == [.wakeUp(at: Self.ms(10))])  // nothing due yet
        #expect(machine.isIdle(now: Self.at(5)))
        #expect(!machine.isIdle(now: Self.at(10)))

        let fired = machine.timerFired(now: Self.at(10))
        #expect(fired == [.load([Self.entry(a), Self.entry(c)]), .wakeUp(at: Self.ms(20))])
        let busy = #expect(throws: LeaseError.self) { _ = try machine.claim(a.id) }
        #expect(busy?.code == .busy)  // being revoked

        // One worker per lease here (two due, up to eight per mount), each with its share.
        let routed = machine.loaded([(Self.entry(a), a), (Self.entry(c), c)], unreadable: [], now: Self.at(10))
        #expect(routed == [.revoke(mount: "m", [.loaded(a)]), .revoke(mount: "m", [.loaded(c)])])
        #expect(machine.queue.entries.map(\.id) == [b.id])
    }

    @Test func aFailedRevocationBacksOffAndIsRetried() throws {
        var machine = Self.machine()
        let lease = Self.lease("m/a", expiresAt: 10)
        _ = machine.schedule(lease.id, at: Self.ms(10))
        let commit = try Self.expire(&machine, lease, now: Self.at(10), result: .failed(lease, message: "db down"))

        var failed = lease
        failed.revocation.attempts = 1
        failed.revocation.lastError = "db down"
        failed.revocation.nextAttemptTime = Self.at(11)
        #expect(commit.changes == [.update(failed, previous: lease)])
        #expect(commit.outcomes.map(\.reschedule) == [Self.ms(11)])

        let committed = machine.committed(commit, succeeded: true, now: Self.at(10))
        #expect(committed == [.wakeUp(at: Self.ms(11))])
        #expect(machine.queue.deadline(of: lease.id) == Self.ms(11))
        #expect(machine.isIdle(now: Self.at(10.5)))
        let retried = machine.timerFired(now: Self.at(11))
        #expect(retried.contains(.load([ExpirationQueue.Entry(deadline: Self.ms(11), id: lease.id)])))
    }

    @Test func givesUpAfterTheRetryLimit() throws {
        var machine = Self.machine()
        var stored = Self.lease("m/a", expiresAt: 10)
        _ = machine.schedule(stored.id, at: Self.ms(10))
        var now: TimeInterval = 10
        var delays: [Int64?] = []
        for attempt in 1...3 {
            let commit = try Self.expire(&machine, stored, now: Self.at(now), result: .failed(stored, message: "no \(attempt)"))
            guard case .update(let updated, _) = try #require(commit.changes.first) else {
                Issue.record("expected an update")
                return
            }
            let actions = machine.committed(commit, succeeded: true, now: Self.at(now))
            delays.append(updated.scheduledTime.map { LeaseStorageLayout.milliseconds($0) - Self.ms(now) })
            stored = updated
            if let next = updated.scheduledTime {
                #expect(actions == [.wakeUp(at: LeaseStorageLayout.milliseconds(next))])
                now = next.timeIntervalSince(Self.start)
            } else {
                #expect(actions.isEmpty)  // given up: nothing scheduled
            }
        }
        #expect(delays == [1000, 2000, nil])  // 1 s, doubled, then irrevocable
        #expect(stored.irrevocable)
        #expect(stored.revocation.attempts == 3)
        #expect(stored.revocation.lastError == "no 3")
        #expect(machine.queue.isEmpty)
        #expect(machine.isIdle(now: Self.at(10_000)))
    }

    @Test func aFailedWriteRetriesWithoutCountingAnAttempt() throws {
        var machine = Self.machine()
        let lease = Self.lease("m/a", expiresAt: 10)
        _ = machine.schedule(lease.id, at: Self.ms(10))
        let commit = try Self.expire(&machine, lease, now: Self.at(10), result: .revoked(lease))
        #expect(commit.changes == [.remove(lease)])
        // Storage refused the write: the lease is revoked again after the first back-off step.
        let committed = machine.committed(commit, succeeded: false, now: Self.at(10))
        #expect(committed == [.wakeUp(at: Self.ms(11))])
        #expect(machine.claimed.isEmpty)
    }

    @Test func renewalMovesTheExpiry() throws {
        var machine = Self.machine()
        let id = "m/a"
        _ = machine.schedule(id, at: Self.ms(10))
        let queued = try machine.claim(id)
        #expect(queued == Self.ms(10))
        let busy = #expect(throws: LeaseError.self) { _ = try machine.claim(id) }
        #expect(busy?.code == .busy)  // a second renewal
        let released = machine.release(id, reschedule: Self.ms(100))
        #expect(!released.dropped)
        #expect(released.actions.isEmpty)  // the wake-up at 10 s stays armed, and finds nothing
        let atOldExpiry = machine.timerFired(now: Self.at(10))
        #expect(atOldExpiry == [.wakeUp(at: Self.ms(100))])
        let atNewExpiry = machine.timerFired(now: Self.at(100))
        #expect(atNewExpiry == [.load([ExpirationQueue.Entry(deadline: Self.ms(100), id: id)])])
    }

    @Test func prefixRevocationSkipsWhatExpiryHoldsAndForceDropsIt() throws {
        var machine = Self.machine()
        let held = Self.lease("m/p/2", expiresAt: 5)
        _ = machine.schedule("m/p/1", at: Self.ms(50))
        _ = machine.schedule(held.id, at: Self.ms(5))
        _ = machine.schedule("m/q/1", at: Self.ms(50))
        _ = machine.timerFired(now: Self.at(5))  // m/p/2 is being revoked on expiry

        _ = try machine.claim("m/p/1")
        let revoked = machine.release("m/p/1", reschedule: nil)  // revoked and deleted
        #expect(!revoked.dropped)
        let busy = #expect(throws: LeaseError.self) { _ = try machine.claim(held.id) }
        #expect(busy?.code == .busy)
        #expect(machine.queue.entries.map(\.id) == ["m/q/1"])

        // revoke-force: the expiry worker deletes the lease instead of saving its failure.
        let deferred = machine.dropIfClaimed(held.id)
        #expect(deferred)
        let routed = machine.loaded([(Self.entry(held), held)], unreadable: [], now: Self.at(5))
        #expect(routed == [.removeDropped(held)])
        let released = machine.release(held.id, reschedule: nil)
        #expect(released.dropped)
        #expect(machine.claimed.isEmpty)
    }

    @Test func restoreMergesWhatThisProcessScheduledAndLeavesClaimsOut() throws {
        var machine = Self.machine()
        _ = machine.schedule("m/new", at: Self.ms(50))  // scheduled while storage was read: newer
        _ = machine.schedule("m/busy", at: Self.ms(10))
        _ = try machine.claim("m/busy")  // being renewed: its holder reschedules it
        machine.beginPending("m/mine")
        let started = machine.startRestore()
        let again = machine.startRestore()
        #expect(started)
        #expect(!again)
        #expect(!machine.isIdle(now: Self.start))

        var restored = ExpirationQueue()
        restored.insertBatch([
            ExpirationQueue.Entry(deadline: Self.ms(-100), id: "m/old"),  // expired while down
            ExpirationQueue.Entry(deadline: Self.ms(5), id: "m/new"),
            ExpirationQueue.Entry(deadline: Self.ms(10), id: "m/busy"),
        ])
        let (queued, due, actions) = machine.installRestored(restored, now: Self.start)
        #expect(queued == 2)
        #expect(due == 1)
        #expect(actions == [.wakeUp(at: Self.ms(-100))])
        #expect(machine.queue.deadline(of: "m/new") == Self.ms(50))
        #expect(!machine.queue.contains("m/busy"))

        let record = { (id: String) in
            PendingIssue(id: id, mountAccessor: "m", tokenAccessor: nil, createdTime: Self.start, secretData: .null)
        }
        #expect(machine.isLeftByCrash(record("m/crashed")))
        #expect(!machine.isLeftByCrash(record("m/mine")))

        let report = LeaseRestoreReport(queued: queued, alreadyDue: due, rolledBack: 1, duration: .zero)
        machine.finishRestore(.success(report))
        let fired = machine.timerFired(now: Self.start)
        #expect(fired.first == .load([ExpirationQueue.Entry(deadline: Self.ms(-100), id: "m/old")]))
    }

    @Test func aStormIsLoadedAndRevokedInBoundedChunks() throws {
        var machine = Self.machine(perMount: 2)
        let leases = Dictionary(uniqueKeysWithValues: (0..<150).map { index in
            let lease = Self.lease("m/\(1000 + index)", expiresAt: 1)
            return (lease.id, lease)
        })
        for id in leases.keys { _ = machine.schedule(id, at: Self.ms(1)) }
        // At most four loaders, 64 ids each.
        let chunks = machine.timerFired(now: Self.at(1)).compactMap { action -> [ExpirationQueue.Entry]? in
            if case .load(let chunk) = action { return chunk }
            return nil
        }
        #expect(chunks.map(\.count) == [64, 64, 22])
        // Two workers on the mount, sixteen leases a chunk at most; the rest waits its turn.
        let routed = machine.loaded(chunks[0].map { ($0, leases[$0.id]) }, unreadable: [], now: Self.at(1))
        let revokes = routed.compactMap { action -> Int? in
            if case .revoke(_, let items) = action { return items.count }
            return nil
        }
        #expect(revokes == [16, 16])
        #expect(routed.count == 2)  // the backlog is empty: this loader ends
        #expect(machine.mountQueues["m"]?.remaining == 32)
        #expect(!machine.isIdle(now: Self.at(1)))
    }

    @Test func anIssueThatEndsWhileTheRestoreRunsIsNotRolledBackByIt() {
        var machine = Self.machine()
        let record = PendingIssue(id: "m/fresh", mountAccessor: "m", tokenAccessor: nil, createdTime: Self.start, secretData: .null)
        machine.beginPending(record.id)
        let started = machine.startRestore()
        #expect(started)
        // The restore read the record from storage; then the issue stored its lease.
        machine.endPending(record.id)
        #expect(!machine.isLeftByCrash(record), "its lease is live: rolling it back would revoke a credential just handed out")
        machine.finishRestore(.success(LeaseRestoreReport(queued: 0, alreadyDue: 0, rolledBack: 0, duration: .zero)))
        #expect(machine.localPending.isEmpty)
        machine.beginPending("m/later")
        machine.endPending("m/later")
        #expect(machine.localPending.isEmpty, "after the restore an ended issue is forgotten at once")
    }

    @Test func stoppedTakesNoWork() {
        var machine = Self.machine()
        _ = machine.schedule("m/a", at: Self.ms(1))
        machine.stop()
        let refused = #expect(throws: LeaseError.self) { _ = try machine.claim("m/b") }
        #expect(refused?.code == .unavailable)
        let scheduled = machine.schedule("m/c", at: Self.ms(1))
        let fired = machine.timerFired(now: Self.at(2))
        #expect(scheduled.isEmpty)
        #expect(fired.isEmpty)
        #expect(machine.isIdle(now: Self.at(2)))
    }
}
