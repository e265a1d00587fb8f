@testable import CustosCore
import CustosTesting
import CustosJSON
import Foundation
import Synchronization
import Testing

/// Step 1 of the integration: an engine's secret becomes a lease (id, TTL caps, warnings,
/// crash-safe issuance), expiry through the manager, restore after unseal.
@Suite struct SecretLeasingTests {
    @Test func secretBecomesALeaseWithTheEnvelopeFields() async throws {
        let fixture = try await LeaseTestCore.make()
        let response = try await fixture.issue(#"{"ttl": "1h"}"#)
        #expect(response.leaseID.hasPrefix("fake/creds/ro/"))
        #expect(response.leaseDuration == 3600)
        #expect(response.renewable)
        #expect(response.secret == nil)
        #expect(response.warnings.isEmpty)
        let lease = try #require(try await fixture.manager.lookup(response.leaseID))
        #expect(lease.expireTime == fixture.clock.now.addingTimeInterval(3600))
        #expect(lease.tokenAccessor != nil)
        #expect(lease.secretData.objectValue?["name"] != nil)
        // The write-ahead record is gone once the lease is stored.
        #expect(try await fixture.storage.scan(prefix: "").filter { $0.contains("sys/expire/pending") }.isEmpty)
        #expect(fixture.objects.live.count == 1)
    }

    @Test func defaultTTLIsTheMountsOrTheSystemsWithoutWarning() async throws {
        let tuned = try await LeaseTestCore.make(mountConfig: MountConfig(defaultLeaseTTL: 120, maxLeaseTTL: 600))
        let response = try await tuned.issue()
        #expect(response.leaseDuration == 120)
        #expect(response.warnings.isEmpty)
        let plain = try await LeaseTestCore.make(systemMaxTTL: 3 * 3600)
        #expect(try await plain.issue().leaseDuration == 3 * 3600)
    }

    @Test func ttlIsCappedByRoleMountAndSystemWithVaultsWarning() async throws {
        let fixture = try await LeaseTestCore.make(mountConfig: MountConfig(maxLeaseTTL: 600), systemMaxTTL: 300)
        let byRole = try await fixture.issue(#"{"ttl": 500, "max_ttl": 100}"#)
        #expect(byRole.leaseDuration == 100)
        #expect(byRole.warnings.count == 1)
        #expect(byRole.warnings.first?.contains("TTL value is capped accordingly") == true)
        let bySystem = try await fixture.issue(#"{"ttl": 1000}"#)
        #expect(bySystem.leaseDuration == 300)
        #expect(bySystem.warnings.count == 1)
        let mountCapped = try await LeaseTestCore.make(mountConfig: MountConfig(maxLeaseTTL: 50))
        #expect(try await mountCapped.issue(#"{"ttl": 70}"#).leaseDuration == 50)
        let within = try await fixture.issue(#"{"ttl": 60}"#)
        #expect(within.leaseDuration == 60)
        #expect(within.warnings.isEmpty)
    }

    @Test func leaseExpiresAndTheEngineRevokesIt() async throws {
        let fixture = try await LeaseTestCore.make()
        let manager = try fixture.manager
        _ = try await manager.waitForRestore()
        let response = try await fixture.issue(#"{"ttl": 30}"#)
        #expect(fixture.objects.live.count == 1)
        fixture.clock.advance(by: 29)
        await manager.waitUntilIdle()
        #expect(fixture.objects.live.count == 1)
        fixture.clock.advance(by: 2)
        await manager.waitUntilIdle()
        #expect(fixture.objects.live.isEmpty)
        #expect(try await manager.lookup(response.leaseID) == nil)
    }

    @Test func engineFailureAfterCreatingRollsTheObjectBack() async throws {
        let fixture = try await LeaseTestCore.make()
        let manager = try fixture.manager
        _ = try await manager.waitForRestore()
        fixture.objects.set { $0.failAfterCreate = true }
        #expect(await fixture.failure(.update, "fake/creds/ro", "{}")?.code == .internal)
        await manager.waitUntilIdle()
        #expect(fixture.objects.live.isEmpty)
        #expect(fixture.objects.revoked.count == 1)
        #expect(try await manager.count().leases == 0)
    }

    @Test func restartRestoresLeasesAndRevokesThoseThatExpiredWhileSealed() async throws {
        let storage = InMemoryStorage()
        let clock = ManualClock()
        let objects = ExternalObjects()
        let fixture = try await LeaseTestCore.make(storage: storage, objects: objects, clock: clock)
        let short = try await fixture.issue(#"{"ttl": 10}"#)
        let long = try await fixture.issue(#"{"ttl": 1000}"#)
        await fixture.core.sealNow()
        clock.advance(by: 60)
        // A new process over the same storage.
        let restarted = LeaseTestCore.makeCore(storage: storage, systemMaxTTL: 768 * 3600, objects: objects, clock: clock)
        try await restarted.submitUnsealKey(fixture.keys[0])
        let manager = try #require(restarted.expirationManager)
        let report = try await manager.waitForRestore()
        #expect(report.queued == 2)
        #expect(report.alreadyDue == 1)
        await manager.waitUntilIdle()
        #expect(try await manager.lookup(short.leaseID) == nil)
        #expect(try await manager.lookup(long.leaseID) != nil)
        #expect(objects.live.count == 1)
    }

    @Test func writeAheadRecordLeftByACrashIsRolledBackOnUnseal() async throws {
        let storage = InMemoryStorage()
        let clock = ManualClock()
        let objects = ExternalObjects()
        let fixture = try await LeaseTestCore.make(storage: storage, objects: objects, clock: clock)
        let mount = try #require(fixture.core.runtime.withLock { $0?.mounts.match("fake/x") })
        // What a crash between the engine's creation and the lease's storage leaves behind.
        try await fixture.manager.beginIssue(PendingIssue(
            id: "fake/creds/ro/crashed", mountAccessor: mount.accessor, tokenAccessor: nil,
            createdTime: clock.now, secretData: .object(["name": .string("obj-crashed")])))
        objects.set { $0.live.insert("obj-crashed") }
        await fixture.core.sealNow()
        let restarted = LeaseTestCore.makeCore(storage: storage, systemMaxTTL: 768 * 3600, objects: objects, clock: clock)
        try await restarted.submitUnsealKey(fixture.keys[0])
        let manager = try #require(restarted.expirationManager)
        #expect(try await manager.waitForRestore().rolledBack == 1)
        await manager.waitUntilIdle()
        #expect(objects.live.isEmpty)
        #expect(objects.revoked == ["obj-crashed"])
    }

    @Test func disablingAMountRevokesItsLeasesFirst() async throws {
        let fixture = try await LeaseTestCore.make()
        _ = try await fixture.issue()
        fixture.objects.set { $0.failRevoke = true }
        // The engine cannot revoke: the mount stays, with its lease.
        #expect(await fixture.failure(.delete, "sys/mounts/fake")?.code == .badRequest)
        #expect(try await fixture.manager.count().leases == 1)
        _ = try await fixture.issue()
        fixture.objects.set { $0.failRevoke = false }
        try await fixture.call(.delete, "sys/mounts/fake")
        #expect(fixture.objects.live.isEmpty)
        #expect(try await fixture.manager.count().leases == 0)
        #expect(await fixture.failure(.update, "fake/creds/ro", "{}")?.code == .notFound)
    }

    @Test func engineWithoutSecretsIsUnchanged() async throws {
        let fixture = try await LeaseTestCore.make()
        try await fixture.call(.update, "secret/a", #"{"x": 1}"#)
        let read = try await fixture.call(.read, "secret/a")
        #expect(read.leaseID.isEmpty)
        #expect(try await fixture.manager.count().leases == 0)
    }
}
