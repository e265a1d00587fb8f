@testable import CustosCore
import CustosJSON
import Foundation
import MetricsTestKit
import Testing

/// Revocations and their failures are counted by mount label; the scrape-time gauges.
@Suite struct MeteredLeaseRevokerTests {
    struct FlakyRevoker: LeaseRevoker {
        struct Refused: Error {}
        let fails: Bool
        func revoke(_ lease: LeaseEntry) async throws { if fails { throw Refused() } }
        func renew(_ lease: LeaseEntry, ttl: VaultDuration) async throws {}
    }

    func lease() -> LeaseEntry {
        LeaseEntry(
            id: "db/creds/ro/abc", issueTime: Date(), expireTime: Date(), renewable: true, tokenAccessor: nil,
            mountAccessor: "database_1", secretData: .null)
    }

    @Test func successAndFailureAreCountedByMount() async throws {
        let metrics = TestMetrics()
        let recorded = CustosMetrics(factory: metrics)
        let good = MeteredLeaseRevoker(base: FlakyRevoker(fails: false), metrics: recorded, mountLabel: { _ in "db/" })
        let bad = MeteredLeaseRevoker(base: FlakyRevoker(fails: true), metrics: recorded, mountLabel: { _ in "db/" })
        try await good.revoke(lease())
        try await good.revoke(lease())
        await #expect(throws: FlakyRevoker.Refused.self) { try await bad.revoke(lease()) }
        #expect(try metrics.expectCounter(CustosMetrics.Name.revocations, [("mount", "db/")]).totalValue == 2)
        #expect(try metrics.expectCounter(CustosMetrics.Name.revocationFailures, [("mount", "db/")]).totalValue == 1)
    }

    @Test func leaseGaugesOfVanishedMountsAreRemoved() throws {
        let metrics = TestMetrics()
        let recorded = CustosMetrics(factory: metrics)
        recorded.setOutstandingLeases(["a/": 2, "b/": 5])
        #expect(try metrics.expectGauge(CustosMetrics.Name.leasesOutstanding, [("mount", "b/")]).lastValue == 5)
        recorded.setOutstandingLeases(["a/": 3])
        #expect(try metrics.expectGauge(CustosMetrics.Name.leasesOutstanding, [("mount", "a/")]).lastValue == 3)
        #expect(throws: (any Error).self) { try metrics.expectGauge(CustosMetrics.Name.leasesOutstanding, [("mount", "b/")]) }
    }
}
