@testable import CustosCore
import CustosJSON
import Foundation
import Testing

/// A secret completes the write-ahead record its ticket names, not the first one begun.
@Suite("issue tickets")
struct IssueTicketTests {
    @Test func theTicketedRecordBecomesTheLeaseAndOthersAreRolledBack() async throws {
        let fixture = try await LeaseTestCore.make()
        fixture.objects.set { $0.beginSpare = true }
        let response = try await fixture.core.handle(LogicalRequest(
            operation: .update, path: "fake/creds/ro", body: Data(#"{"ttl": "1h"}"#.utf8), clientToken: fixture.root))
        let name = try #require((response.data as? [String: String])?["name"])
        let lease = try #require(try await fixture.core.expirationManager?.lookup(response.leaseID))
        #expect(lease.secretData == ["name": .string(name)])
        // The spare's record was rolled back: its object is revoked, the issued one lives.
        try await waitUntil { fixture.objects.revoked.contains("spare-\(name)") }
        #expect(fixture.objects.live == [name])
    }

    private func waitUntil(_ condition: @escaping @Sendable () -> Bool) async throws {
        let deadline = ContinuousClock.now.advanced(by: .seconds(10))
        while !condition(), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(condition())
    }
}
