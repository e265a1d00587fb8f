@testable import CustosServer
import Foundation
import Logging
import Testing

/// The `telemetry` stanzas and `log_format` in the config file, and the JSON log line.
@Suite struct TelemetryConfigTests {
    func parse(_ topLevel: String = "", listener: String = "") throws(ConfigFileParser.ConfigError) -> ServerConfiguration {
        try ConfigFileParser.parse(
            "storage \"inmem\" {}\nlistener \"tcp\" {\n  tls_disable = true\n\(listener)\n}\n\(topLevel)\n", filename: "custos.hcl")
    }

    @Test func withoutATelemetryBlockPrometheusIsOffAndMetricsNeedAToken() throws {
        let config = try parse()
        #expect(config.telemetry == nil)
        #expect(!config.prometheusEnabled)
        #expect(!config.listeners[0].unauthenticatedMetricsAccess)
        #expect(config.logFormat == nil)
    }

    @Test func vaultsTelemetryStanzas() throws {
        let config = try parse("""
            telemetry {
              prometheus_retention_time = "30s"
              disable_hostname = true
            }
            log_format = "json"
            """, listener: "telemetry {\n unauthenticated_metrics_access = true\n }")
        #expect(config.telemetry?.prometheusRetention == .seconds(30))
        #expect(config.telemetry?.disableHostname == true)
        #expect(config.prometheusEnabled)
        #expect(config.listeners[0].unauthenticatedMetricsAccess)
        #expect(config.logFormat == .json)
        // As in Vault: a block without a retention keeps the 24h default; 0 turns Prometheus off.
        #expect(try parse("telemetry {\n disable_hostname = true\n}").prometheusEnabled)
        #expect(try !parse("telemetry {\n prometheus_retention_time = \"0s\"\n}").prometheusEnabled)
        #expect(try parse("telemetry {\n prometheus_retention_time = 60\n}").telemetry?.prometheusRetention == .seconds(60))
        // The JSON form of the same.
        let json = try ConfigFileParser.parse("""
            {"storage": {"inmem": {}}, "listener": {"tcp": {"tls_disable": true, "telemetry": {"unauthenticated_metrics_access": true}}},
             "telemetry": {"prometheus_retention_time": "1h"}, "log_format": "standard"}
            """, filename: "custos.json")
        #expect(json.listeners[0].unauthenticatedMetricsAccess)
        #expect(json.prometheusEnabled)
        #expect(json.logFormat == .standard)
    }

    @Test(arguments: [
        ("telemetry {\n statsd_address = \"x\"\n}", "", "unknown key \"statsd_address\""),
        ("telemetry {\n prometheus_retention_time = \"soon\"\n}", "", "prometheus_retention_time must be a duration"),
        ("telemetry {}\ntelemetry {}", "", "only one telemetry block"),
        ("log_format = \"xml\"", "", "unknown log_format \"xml\""),
        ("", "telemetry {\n unauthenticated_metrics_access = \"maybe\"\n}", "custos.hcl:"),
        ("", "telemetry {\n prometheus_retention_time = \"1h\"\n}", "unknown key \"prometheus_retention_time\""),
    ])
    func mistakesAreReportedWithTheirPosition(topLevel: String, listener: String, message: String) {
        #expect {
            _ = try parse(topLevel, listener: listener)
        } throws: { error in
            (error as? ConfigFileParser.ConfigError)?.description.contains(message) == true
        }
    }

    @Test func jsonLogLineShape() throws {
        var pipe: [Int32] = [0, 0]
        #expect(Foundation.pipe(&pipe) == 0)
        var handler = JSONLogHandler(label: "custos.test", fileDescriptor: pipe[1])
        handler[metadataKey: "request_id"] = "abc"
        var logger = Logger(label: "custos.test") { _ in handler }
        logger.logLevel = .debug
        logger.warning("line \"one\"\nwith a newline", metadata: ["status": "200"])
        close(pipe[1])
        let output = FileHandle(fileDescriptor: pipe[0], closeOnDealloc: true).readDataToEndOfFile()
        let lines = output.split(separator: UInt8(ascii: "\n"))
        #expect(lines.count == 1)
        let object = try JSONDecoder().decode([String: String].self, from: Data(lines[0]))
        #expect(object["@level"] == "warn")
        #expect(object["@message"] == "line \"one\"\nwith a newline")
        #expect(object["@module"] == "custos.test")
        #expect(object["request_id"] == "abc")
        #expect(object["status"] == "200")
        #expect(object["@timestamp"]?.count == "2026-01-01T00:00:00.000000Z".count)
        #expect(JSONLogHandler.timestamp(Date(timeIntervalSince1970: 1_700_000_000.25)) == "2023-11-14T22:13:20.250000Z")
    }
}
