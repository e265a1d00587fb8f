@testable import CustosCore
import CustosTesting
import CustosJSON
import Foundation
import Synchronization
import Testing
import VaultAPI

/// Step 2: the `sys/leases/*` paths over the fake engine.
@Suite struct LeaseAPITests {
    @Test func lookupAnswersVaultsFields() async throws {
        let fixture = try await LeaseTestCore.make()
        let id = try await fixture.issue(#"{"ttl": 600}"#).leaseID
        fixture.clock.advance(by: 100)
        let data = try fixture.json(try await fixture.call(.update, "sys/leases/lookup", #"{"lease_id": "\#(id)"}"#))
        #expect(data["id"] == .string(id))
        #expect(data["ttl"] == .int(500))
        #expect(data["renewable"] == .bool(true))
        #expect(data["last_renewal"] == .null)
        #expect(data["issue_time"]?.stringValue?.hasSuffix("Z") == true)
        #expect(data["expire_time"] != nil)
        #expect(await fixture.failure(.update, "sys/leases/lookup", #"{"lease_id": "fake/creds/ro/nope"}"#)?.code == .badRequest)
        #expect(await fixture.failure(.update, "sys/leases/lookup", "{}")?.code == .badRequest)
    }

    @Test func listLookupShowsFoldersAndIds() async throws {
        let fixture = try await LeaseTestCore.make()
        let id = try await fixture.issue(role: "ro").leaseID
        _ = try await fixture.issue(role: "rw")
        let top = try fixture.json(try await fixture.call(.list, "sys/leases/lookup/fake/creds/"))
        #expect(top["keys"] == .array([.string("ro/"), .string("rw/")]))
        let leaves = try fixture.json(try await fixture.call(.list, "sys/leases/lookup/fake/creds/ro/"))
        #expect(leaves["keys"] == .array([.string(String(id.split(separator: "/").last!))]))
        #expect(await fixture.failure(.list, "sys/leases/lookup/nothing/")?.code == .notFound)
    }

    @Test func renewExtendsAndIsCappedWithAWarning() async throws {
        let fixture = try await LeaseTestCore.make(mountConfig: MountConfig(maxLeaseTTL: 1000))
        let id = try await fixture.issue(#"{"ttl": 100, "max_ttl": 500}"#).leaseID
        fixture.clock.advance(by: 50)
        let renewed = try await fixture.call(.update, "sys/leases/renew", #"{"lease_id": "\#(id)", "increment": "200s"}"#)
        #expect(renewed.leaseID == id)
        #expect(renewed.leaseDuration == 200)
        #expect(renewed.renewable)
        #expect(renewed.warnings.isEmpty)
        #expect(fixture.objects.state.withLock { $0.renewed.map(\.1) } == [200])
        // Capped by the role's max TTL (500 from issue, 50 s gone): 450, with Vault's warning.
        let capped = try await fixture.call(.update, "sys/leases/renew/\(id)", #"{"increment": 3600}"#)
        #expect(capped.leaseDuration == 450)
        #expect(capped.warnings.first?.contains("capped") == true)
        // The legacy path, and lookup shows the renewal.
        let legacy = try await fixture.call(.update, "sys/renew/\(id)", "{}")
        #expect(legacy.leaseID == id)
        let data = try fixture.json(try await fixture.call(.update, "sys/leases/lookup", #"{"lease_id": "\#(id)"}"#))
        #expect(data["last_renewal"]?.stringValue != nil)
    }

    @Test func renewOfUnknownOrNonRenewableLeaseIsAClear400() async throws {
        let fixture = try await LeaseTestCore.make()
        let unknown = await fixture.failure(.update, "sys/leases/renew", #"{"lease_id": "fake/creds/ro/nope"}"#)
        #expect(unknown?.code == .badRequest)
        #expect(unknown?.messages == ["lease not found"])
        let id = try await fixture.issue(#"{"renewable": false}"#).leaseID
        let refused = await fixture.failure(.update, "sys/leases/renew", #"{"lease_id": "\#(id)"}"#)
        #expect(refused?.code == .badRequest)
        #expect(refused?.messages == ["lease is not renewable"])
    }

    @Test func revokeRemovesTheLeaseAndTheObject() async throws {
        let fixture = try await LeaseTestCore.make()
        let first = try await fixture.issue().leaseID
        let second = try await fixture.issue().leaseID
        let third = try await fixture.issue().leaseID
        let response = try await fixture.call(.update, "sys/leases/revoke", #"{"lease_id": "\#(first)"}"#)
        #expect(response.statusCode == nil && response.data == nil)
        try await fixture.call(.update, "sys/leases/revoke/\(second)", "{}")
        try await fixture.call(.update, "sys/revoke/\(third)", "{}")
        #expect(fixture.objects.live.isEmpty)
        #expect(try await fixture.manager.count().leases == 0)
        // Unknown: 204 as in Vault.
        try await fixture.call(.update, "sys/leases/revoke", #"{"lease_id": "fake/creds/ro/nope"}"#)
    }

    @Test func revokePrefixRevokesLeasesAndTokensUnderIt() async throws {
        let fixture = try await LeaseTestCore.make()
        _ = try await fixture.issue(role: "ro")
        _ = try await fixture.issue(role: "ro")
        let kept = try await fixture.issue(role: "rw").leaseID
        try await fixture.call(.update, "sys/leases/revoke-prefix/fake/creds/ro", "{}")
        #expect(fixture.objects.live.count == 1)
        #expect(try await fixture.manager.list(prefix: "fake/creds/") == ["rw/"])
        #expect(try await fixture.manager.lookup(kept) != nil)
        // Tokens keep their existing behaviour: revoked by creation path.
        let auth = try #require(try await fixture.call(.update, "auth/token/create", "{}").auth)
        try await fixture.call(.update, "sys/leases/revoke-prefix/auth/token/create", "{}")
        #expect(await fixture.failure(.read, "auth/token/lookup-self", token: auth.clientToken)?.code == .permissionDenied)
    }

    @Test func revokeForceDropsWithoutAskingTheEngine() async throws {
        let fixture = try await LeaseTestCore.make()
        _ = try await fixture.issue()
        fixture.objects.set { $0.failRevoke = true }
        #expect(await fixture.failure(.update, "sys/leases/revoke-prefix/fake/", "{}")?.code == .internal)
        #expect(try await fixture.manager.count().leases == 1)
        try await fixture.call(.update, "sys/leases/revoke-force/fake/", "{}")
        #expect(try await fixture.manager.count().leases == 0)
        #expect(fixture.objects.revoked.isEmpty)
        #expect(fixture.objects.live.count == 1)  // the engine was not asked
    }

    @Test func irrevocableLeasesAreListedAndCounted() async throws {
        let fixture = try await LeaseTestCore.make()
        let manager = try fixture.manager
        _ = try await manager.waitForRestore()
        let id = try await fixture.issue(#"{"ttl": 10}"#).leaseID
        fixture.objects.set { $0.failRevoke = true }
        // Expiry, then the retries of the policy (2 attempts, 1 s apart) fail.
        for _ in 0..<4 {
            fixture.clock.advance(by: 10)
            await manager.waitUntilIdle()
        }
        let listed = try fixture.json(try await fixture.call(.read, "sys/leases", query: ["type": "irrevocable"]))
        #expect(listed["lease_count"] == .int(1))
        let entry = try #require(listed["leases"].flatMap { if case .array(let a) = $0 { a.first } else { nil } }?.objectValue)
        #expect(entry["lease_id"] == .string(id))
        #expect(entry["error"]?.stringValue?.contains("external system down") == true)
        let counted = try fixture.json(try await fixture.call(.read, "sys/leases/count", query: ["type": "irrevocable"]))
        #expect(counted["lease_count"] == .int(1))
        #expect(await fixture.failure(.read, "sys/leases", query: ["type": "bogus"])?.code == .badRequest)

        // Asked again once the system is back, the revocation is retried and the lease goes.
        fixture.objects.set { $0.failRevoke = false }
        _ = try await fixture.call(.update, "sys/leases/revoke", #"{"lease_id": "\#(id)"}"#)
        let after = try fixture.json(try await fixture.call(.read, "sys/leases", query: ["type": "irrevocable"]))
        #expect(after["lease_count"] == .int(0))
        #expect(try await manager.lookup(id) == nil)
    }

    @Test func tidyAnswers202WithAWarning() async throws {
        let fixture = try await LeaseTestCore.make()
        let response = try await fixture.call(.update, "sys/leases/tidy", "{}")
        #expect(response.statusCode == 202)
        #expect(response.warnings.count == 1)
    }
}
