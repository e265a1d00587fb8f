import CustosCore
import CustosJSON
import CustosTesting
import Foundation
import Testing

/// `sys/metrics` on real server processes: both formats, what moves with requests and leases,
/// and who may read it (docs/operations.md, "Metrics").
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

    @Test func prometheusTextParsesAndCountsRequestsByFamilyAndStatus() async throws {
        let setup = try await OperationsTestServer.start(topLevel: Self.telemetry)
        let client = setup.client
        #expect(try await client.write("sys/mounts/kv", ["type": "kv"]).status == 204)
        #expect(try await client.write("kv/app", ["password": "not-logged"]).status == 204)
        let before = try await scrape(client)
        let readsBefore = before.value("custos_http_requests_total", ["family": "kv/", "code": "200"]) ?? 0

        let reads = 7
        for _ in 0..<reads { #expect(try await client.read("kv/app").status == 200) }
        let unknownSegment = "zz\(UUID().uuidString.lowercased().prefix(12))"
        #expect(try await client.read("\(unknownSegment)/x").status == 404)

        let after = try await scrape(client)
        #expect(after.types["custos_http_requests_total"] == "counter")
        #expect(after.types["custos_http_request_duration_seconds"] == "histogram")
        #expect(after.value("custos_http_requests_total", ["family": "kv/", "code": "200"]) == readsBefore + Double(reads))
        #expect((after.value("custos_http_requests_total", ["family": "kv/", "code": "204"]) ?? 0) >= 1)
        #expect((after.value("custos_http_requests_total", ["family": "sys/", "code": "200"]) ?? 0) >= 1)  // the first scrape
        #expect((after.value("custos_http_requests_total", ["family": "unmatched", "code": "404"]) ?? 0) >= 1)
        let timedReads = after.value("custos_http_request_duration_seconds_count", ["family": "kv/", "code": "200"])
        #expect(timedReads == readsBefore + Double(reads))
        #expect(after.value("custos_http_request_duration_seconds_bucket", ["family": "kv/", "code": "200", "le": "+Inf"]) == timedReads)
        // A client's path never becomes a label: cardinality stays bounded.
        #expect(!after.samples.contains { $0.labels.values.contains { $0.contains(unknownSegment) } })
        #expect(after.value("custos_core_unsealed") == 1)
        #expect(after.value("custos_leases_irrevocable") == 0)
        #expect(after.value("custos_expiration_queue_depth") != nil)
        #expect(after.value("custos_leases_outstanding", ["mount": "kv/"]) == 0)
        await setup.server.stop()
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

    @Test func jsonFormatHasVaultsInMemoryShape() async throws {
        struct Report: Decodable {
            struct Gauge: Decodable { var Name: String; var Value: Double; var Labels: [String: String] }
            struct Aggregate: Decodable {
                var Name: String; var Count: Int; var Rate: Double; var Sum: Double; var Min: Double
                var Max: Double; var Mean: Double; var Stddev: Double; var Labels: [String: String]
            }
            var Timestamp: String
            var Gauges: [Gauge]
            var Points: [Gauge]
            var Counters: [Aggregate]
            var Samples: [Aggregate]
        }
        let setup = try await OperationsTestServer.start(topLevel: Self.telemetry)
        #expect(try await setup.client.read("sys/mounts").status == 200)
        for query in ["sys/metrics", "sys/metrics?format=json"] {
            let response = try await setup.client.read(query)
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == "application/json")
            let report = try JSONDecoder().decode(Report.self, from: response.body)
            #expect(report.Timestamp.hasSuffix(" +0000 UTC"))
            #expect(report.Gauges.contains { $0.Name == "custos_core_unsealed" && $0.Value == 1 })
            let mounts = report.Counters.first { $0.Name == "custos_http_requests_total" && $0.Labels == ["family": "sys/", "code": "200"] }
            #expect((mounts?.Count ?? 0) >= 1)
            let timed = report.Samples.first { $0.Name == "custos_http_request_duration_seconds" && $0.Labels["family"] == "sys/" }
            #expect((timed?.Count ?? 0) >= 1)
            #expect((timed?.Max ?? -1) >= (timed?.Min ?? 0))
        }
        await setup.server.stop()
    }

    @Test func aTokenIsNeededUnlessTheListenerOpensMetrics() async throws {
        let closed = try await OperationsTestServer.start()
        let denied = try await closed.anonymous.request("GET", "sys/metrics", useToken: false)
        #expect(denied.status == 403)
        #expect(denied.errors == ["permission denied"])
        // The default policy does not grant read on sys/metrics.
        let created = try await closed.client.write("auth/token/create", ["policies": .array([.string("default")])])
        let limited = VaultTestClient(address: closed.server.address, token: created.json?["auth"]?.objectValue?["client_token"]?.stringValue)
        #expect(try await limited.read("sys/metrics").status == 403)
        #expect(try await closed.client.read("sys/metrics").status == 200)
        // Without a telemetry block, as in Vault, the Prometheus format is not enabled.
        let noPrometheus = try await closed.client.read("sys/metrics?format=prometheus")
        #expect(noPrometheus.status == 400)
        #expect(noPrometheus.errors == ["prometheus is not enabled"])
        let unknown = try await closed.client.read("sys/metrics?format=xml")
        #expect(unknown.status == 400)
        #expect(unknown.errors == ["metric response format \"xml\" unknown"])
        #expect(try await closed.client.write("sys/metrics", ["format": "json"]).status == 405)
        await closed.server.stop()

        let open = try await OperationsTestServer.start(
            listener: "telemetry {\n unauthenticated_metrics_access = true\n }", topLevel: Self.telemetry, initialise: false)
        // Sealed and not even initialised: still served, and it says so.
        let sealed = try await open.anonymous.request("GET", "sys/metrics?format=prometheus", useToken: false)
        #expect(sealed.status == 200, "\(sealed.text)")
        #expect(try PrometheusText(parsing: sealed.text).value("custos_core_unsealed") == 0)
        #expect(try await open.anonymous.request("GET", "sys/metrics", useToken: false).status == 200)
        #expect(try await open.anonymous.request("HEAD", "sys/metrics", useToken: false).status == 200)
        // Other paths still need a token.
        #expect(try await open.anonymous.request("GET", "sys/mounts", useToken: false).status == 503)
        await open.server.stop()
    }
}
