import CustosJSON
import CustosCore
import CustosServer
import CustosTesting
import Foundation
import Testing

/// `sys/metrics` over HTTP, in process: both formats, what moves with requests, and who may read
/// it (docs/operations.md, "Metrics"); counts by lease mount: `MetricsEndToEndTests`.
@Suite("sys/metrics over HTTP")
struct MetricsHTTPTests {
    func scrape(_ client: InProcessClient) async throws -> PrometheusText {
        let response = try await client.request("GET", "sys/metrics?format=prometheus")
        #expect(response.status == 200, "\(response.text)")
        #expect(response.header("Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
        return try PrometheusText(parsing: response.text)
    }

    @Test func prometheusTextParsesAndCountsRequestsByFamilyAndStatus() async throws {
        try await MetricsTestServer.with(telemetry: true) { setup in
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
        }
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
        try await MetricsTestServer.with(telemetry: true) { setup in
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
        }
    }

    @Test func aTokenIsNeededUnlessTheListenerOpensMetrics() async throws {
        try await MetricsTestServer.with { closed in
            let denied = try await closed.anonymous.request("GET", "sys/metrics", useToken: false)
            #expect(denied.status == 403)
            #expect(denied.errors == ["permission denied"])
            // The default policy does not grant read on sys/metrics.
            let created = try await closed.client.write("auth/token/create", ["policies": .array([.string("default")])])
            let limited = closed.server.client(token: created.json?["auth"]?.objectValue?["client_token"]?.stringValue)
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
        }

        try await MetricsTestServer.with(telemetry: true, unauthenticatedMetrics: true, initialise: false) { open in
            // Sealed and not even initialised: still served, and it says so.
            let sealed = try await open.anonymous.request("GET", "sys/metrics?format=prometheus", useToken: false)
            #expect(sealed.status == 200, "\(sealed.text)")
            #expect(try PrometheusText(parsing: sealed.text).value("custos_core_unsealed") == 0)
            #expect(try await open.anonymous.request("GET", "sys/metrics", useToken: false).status == 200)
            #expect(try await open.anonymous.request("HEAD", "sys/metrics", useToken: false).status == 200)
            // Other paths still need a token.
            #expect(try await open.anonymous.request("GET", "sys/mounts", useToken: false).status == 503)
        }
    }
}

/// An in-process server set up as the end-to-end `OperationsTestServer` sets up its process:
/// initialised over HTTP with one key share and unsealed, unless `initialise` is false.
struct MetricsTestServer: Sendable {
    let server: InProcessServer
    let rootToken: String

    var client: InProcessClient { server.client(token: rootToken) }
    var anonymous: InProcessClient { server.client() }

    /// `telemetry`: a `telemetry` block (Prometheus retention 1h); `unauthenticatedMetrics`: the
    /// listener's `telemetry { unauthenticated_metrics_access = true }`.
    static func with(
        telemetry: Bool = false, unauthenticatedMetrics: Bool = false, initialise: Bool = true,
        _ body: @Sendable (MetricsTestServer) async throws -> Void
    ) async throws {
        var listener = ServerConfiguration.Listener(tlsDisable: true)
        listener.unauthenticatedMetricsAccess = unauthenticatedMetrics
        var configuration = ServerConfiguration(storage: .inMemory, listeners: [listener])
        if telemetry {
            var block = ServerConfiguration.Telemetry()
            block.prometheusRetention = .seconds(3600)
            configuration.telemetry = block
        }
        try await withInProcessServer(configuration: configuration, dev: false) { server in
            guard initialise else { return try await body(MetricsTestServer(server: server, rootToken: "")) }
            let anonymous = server.client()
            let response = try await anonymous.request(
                "PUT", "sys/init", json: ["secret_shares": .int(1), "secret_threshold": .int(1)], useToken: false)
            guard case .array(let keys)? = response.json?["keys"], let key = keys.first?.stringValue,
                  let token = response.json?["root_token"]?.stringValue else {
                Issue.record("init failed: \(response.status) \(response.text)")
                throw CancellationError()
            }
            _ = try await anonymous.request("PUT", "sys/unseal", json: ["key": .string(key)], useToken: false)
            try await body(MetricsTestServer(server: server, rootToken: token))
        }
    }
}
