import CustosCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// In front of `VaultResponder`: gives each request its id and decodes its path (once, for both),
/// counts and times it by path family
/// and status (`custos_http_*`), logs it at debug level, and serves `GET sys/metrics`, whose
/// Prometheus body is not JSON. With the listener's `unauthenticated_metrics_access`, that path
/// answers without a token (and while sealed), as in Vault; otherwise it goes through the core,
/// which wants a token with `read` on `sys/metrics`.
struct TelemetryResponder: HTTPResponder {
    typealias Context = VaultRequestContext

    let inner: VaultResponder
    let core: Core
    let endpoint: MetricsEndpoint
    let unauthenticatedMetrics: Bool
    let logger: Logger

    func respond(to request: Request, context: Context) async throws -> Response {
        let started = ContinuousClock.now
        let requestID = UUID().uuidString.lowercased()
        let path = Self.logicalPath(request.uri.path)
        let response: Response
        if path == MetricsPaths.path && (request.method == .get || request.method == .head) {
            response = await metricsResponse(to: request, id: requestID)
        } else {
            response = await inner.respond(to: request, context: context, id: requestID, path: path)
        }
        finished(request, path: path, status: response.status.code, id: requestID, since: started)
        return response
    }

    private func finished(_ request: Request, path: String?, status: Int, id: String, since started: ContinuousClock.Instant) {
        let duration = ContinuousClock.now - started
        let family = path.map { core.metricsFamily(forPath: $0) } ?? CustosMetrics.Family.unmatched
        core.metrics.requestServed(family: family, status: status, duration: duration)
        // The family, never the path: a path may name things (lease ids, policy names) that a
        // log reader need not see, and the audit log is where requests are recorded in full.
        logger.debug("request", metadata: [
            "request_id": "\(id)", "method": "\(request.method.rawValue)", "family": "\(family)",
            "status": "\(status)", "duration": "\(duration)",
        ])
    }

    private func metricsResponse(to request: Request, id: String) async -> Response {
        var query: [String: String] = [:]
        for (key, value) in request.uri.queryParameters {
            query[String(key)] = String(value).removingPercentEncoding ?? String(value)
        }
        let logical = LogicalRequest(
            id: id, operation: .read, path: MetricsPaths.path, query: query,
            clientToken: VaultResponder.token(from: request.headers))
        let exposition: MetricsExposition
        do throws(CustosError) {
            if unauthenticatedMetrics {
                exposition = try await endpoint.exposition(for: logical)
            } else {
                guard let rendered = try await core.handle(logical).data as? MetricsExposition else {
                    throw CustosError(.internal, "internal error")
                }
                exposition = rendered
            }
        } catch {
            return VaultResponder.errorResponse(error)
        }
        let headers: HTTPFields = [.cacheControl: "no-store", .contentType: exposition.contentType]
        if request.method == .head { return Response(status: .ok, headers: headers) }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: exposition.body)))
    }

    /// The path below `/v1/`, percent-decoded; nil for anything else.
    static func logicalPath(_ rawPath: String) -> String? {
        guard rawPath.hasPrefix("/v1/") else { return nil }
        let path = String(rawPath.dropFirst(4))
        return path.removingPercentEncoding ?? path
    }
}
