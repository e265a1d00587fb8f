import CustosCore
import Foundation

/// A rendered `sys/metrics` answer; its body is not JSON for `format=prometheus`, so the HTTP
/// layer sends it as is (`TelemetryResponder`).
struct MetricsExposition: Encodable, Sendable {
    static let prometheusContentType = "text/plain; version=0.0.4; charset=utf-8"
    static let jsonContentType = "application/json"

    var contentType: String
    var body: Data

    /// Only reached if something other than `TelemetryResponder` serves it: the text as a string.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(String(decoding: body, as: UTF8.self))
    }
}

/// `GET sys/metrics[?format=prometheus|json]`: refreshes the scrape-time gauges, then renders.
struct MetricsEndpoint: Sendable {
    let metrics: ServerMetrics
    /// The core's scrape-time gauges (held weakly by the caller: the core owns this endpoint).
    let refreshGauges: @Sendable () async -> Void

    private struct Parameters: Decodable {
        var format: String?
    }

    func exposition(for request: LogicalRequest) async throws(CustosError) -> MetricsExposition {
        let format = try request.decode(Parameters.self).format ?? ""
        switch format {
        case "", "json":
            await refreshGauges()
            do {
                return MetricsExposition(contentType: MetricsExposition.jsonContentType, body: try metrics.jsonReport())
            } catch {
                throw CustosError(.internal, "internal error")
            }
        case "prometheus":
            // Vault's status and message.
            guard metrics.prometheusEnabled else { throw CustosError.badRequest("prometheus is not enabled") }
            await refreshGauges()
            return MetricsExposition(contentType: MetricsExposition.prometheusContentType, body: metrics.prometheusText())
        default:
            throw CustosError.badRequest("metric response format \"\(Self.printable(format))\" unknown")
        }
    }

    /// The format as the client sent it, without control characters and at most 64 characters.
    private static func printable(_ text: String) -> String {
        String(text.unicodeScalars.filter { !CharacterSet.controlCharacters.contains($0) }.prefix(64).map(Character.init))
    }
}

/// `sys/metrics` in the core's routing, for requests with a token: the core checks the seal and
/// the token's `read` on `sys/metrics` before this runs.
struct MetricsPaths: SystemPathHandler {
    static let path = "sys/metrics"
    let endpoint: MetricsEndpoint

    var paths: [EnginePath] {
        [EnginePath("metrics", help: "The server's metrics.", everyOperation: { request, _ in
            guard request.operation == .read else { throw CustosError.unsupportedOperation() }
            return LogicalResponse(data: try await endpoint.exposition(for: request.request), shape: .bare)
        })]
    }
}
