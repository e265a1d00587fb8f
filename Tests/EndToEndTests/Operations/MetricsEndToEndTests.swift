import CustosCore
import CustosJSON
import CustosTesting
import Foundation
import Testing

/// `sys/metrics` on a real server process with the test-only lease engine: what moves with
/// leases (the HTTP side, in process: `MetricsHTTPTests`).
@Suite("sys/metrics")
struct MetricsEndToEndTests {
    static let telemetry = """
        telemetry {
          prometheus_retention_time = "1h"
          disable_hostname          = true
        }
        """

    func scrape(_ client: VaultTestClient) async throws -> PrometheusText {
        let response = try await client.request("GET", "sys/metrics?format=prometheus")
        #expect(response.status == 200, "\(response.text)")
        #expect(response.header("Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
        return try PrometheusText(parsing: response.text)
    }

    @Test func leasesAndRevocationsAreCountedByMount() async throws {
        let setup = try await OperationsTestServer.start(
            topLevel: Self.telemetry, environment: ["CUSTOS_ENABLE_TEST_ENGINES": "1"])
        let client = setup.client
        let files = try TemporaryDirectory()
        let mounted = try await client.write(
            "sys/mounts/files", ["type": "test-file-lease", "options": .object(["directory": .string(files.url.path)])])
        #expect(mounted.status == 204, "\(mounted.text)")
        var leaseIDs: [String] = []
        for _ in 0..<3 {
            let issued = try await client.read("files/creds/app?ttl=1h")
            #expect(issued.status == 200, "\(issued.text)")
            if let id = issued.json?["lease_id"]?.stringValue { leaseIDs.append(id) }
        }
        #expect(try await client.write("auth/token/create", ["ttl": "1h", "policies": .array([.string("default")])]).status == 200)

        let issued = try await scrape(client)
        #expect(issued.value("custos_leases_outstanding", ["mount": "files/"]) == 3)
        #expect(issued.value("custos_leases_outstanding", ["mount": "auth/token/"]) == 1)
        #expect(issued.value("custos_expiration_queue_depth") == 4)

        let revoked = try await client.request("PUT", "sys/leases/revoke", json: ["lease_id": .string(leaseIDs[0])])
        #expect(revoked.status == 204, "\(revoked.text)")
        let after = try await scrape(client)
        #expect(after.value("custos_lease_revocations_total", ["mount": "files/"]) == 1)
        #expect(after.value("custos_lease_revocation_failures_total", ["mount": "files/"]) == nil)
        #expect(after.value("custos_leases_outstanding", ["mount": "files/"]) == 2)
        #expect(after.value("custos_expiration_queue_depth") == 3)

        // A disabled mount's series goes away rather than showing its last count.
        #expect(try await client.delete("sys/mounts/files").status == 204)
        let unmounted = try await scrape(client)
        #expect(unmounted.value("custos_leases_outstanding", ["mount": "files/"]) == nil)
        #expect(unmounted.value("custos_lease_revocations_total", ["mount": "files/"]) == 3)
        await setup.server.stop()
    }
}
