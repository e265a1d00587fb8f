import CustosCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import VaultAPI

/// Turns HTTP into logical requests and the core's answers into Vault's wire format.
/// One responder for every path: routing is the core's job (mount table, longest prefix).
/// `TelemetryResponder` in front of it names the request and decodes its path, once.
struct VaultResponder {
    typealias Context = VaultRequestContext

    let core: Core
    let maxRequestSize: Int
    let logger: Logger

    static let tokenHeader = HTTPField.Name("X-Vault-Token")!
    static let requestHeader = HTTPField.Name("X-Vault-Request")!

    /// `path` is the request's path below `/v1/`, percent-decoded; nil when it is not below `/v1/`.
    func respond(to request: Request, context: Context, id requestID: String, path: String?) async -> Response {
        do {
            var logical = try await logicalRequest(from: request, id: requestID, path: path)
            let remote = context.remoteAddress
            (logical.remoteAddress, logical.remotePort) = (remote?.ipAddress ?? remote?.pathname, remote?.port)
            let response = try await core.handle(logical)
            var status = response.statusCode ?? 200
            let body = try ResponseEncoding.body(for: response, requestID: requestID)
            if body == nil && response.statusCode == nil { status = 204 }
            if request.method == .head { return Self.response(status: status, body: nil) }
            return Self.response(status: status, body: body)
        } catch let error as CustosError {
            return Self.errorResponse(error)
        } catch is NIOTooManyBytesError {
            return Self.errorResponse(CustosError(.payloadTooLarge, "request body too large: the limit is \(maxRequestSize) bytes"))
        } catch {
            logger.error("unexpected error serving a request", metadata: [
                "request_id": "\(requestID)", "error_type": "\(type(of: error))",
            ])
            return Self.errorResponse(CustosError(.internal, "internal error"))
        }
    }

    private func logicalRequest(from request: Request, id: String, path: String?) async throws -> LogicalRequest {
        guard let path, !path.isEmpty, !path.contains("\0") else { throw CustosError(.notFound, messages: []) }

        var query: [String: String] = [:]
        for (key, value) in request.uri.queryParameters {
            query[String(key)] = String(value).removingPercentEncoding ?? String(value)
        }
        let listFlag = query.removeValue(forKey: "list").map { ["true", "1", "t"].contains($0.lowercased()) } ?? false

        let operation: LogicalOperation
        switch request.method {
        case .get, .head: operation = listFlag ? .list : .read
        case .post, .put: operation = .update
        case .delete: operation = .delete
        case .patch: operation = .patch
        default:
            throw CustosError.unsupportedOperation()
        }

        // Vault appends "/" to every listing before routing and ACL: a listing is of a folder, so
        // `LIST kv/private` is checked against `kv/private/*` rules (a `deny` there holds) and a
        // grant on `kv/folder/` answers `LIST kv/folder`.
        let routedPath = operation == .list && !path.hasSuffix("/") ? path + "/" : path

        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > maxRequestSize {
            throw CustosError(.payloadTooLarge, "request body too large: the limit is \(maxRequestSize) bytes")
        }
        var body: Data?
        if operation == .update || operation == .patch || operation == .delete {
            let buffer = try await request.body.collect(upTo: maxRequestSize)
            if buffer.readableBytes > 0 { body = Data(buffer.readableBytesView) }
        }

        return LogicalRequest(
            id: id,
            operation: operation,
            path: routedPath,
            body: body,
            query: query,
            clientToken: Self.token(from: request.headers)
        )
    }

    /// `X-Vault-Token`, else `Authorization: Bearer <token>`.
    static func token(from headers: HTTPFields) -> String? {
        if let token = headers[tokenHeader], !token.isEmpty { return token }
        if let auth = headers[.authorization] {
            let parts = auth.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" {
                return String(parts[1]).trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }

    static func errorResponse(_ error: CustosError) -> Response {
        let body = try? ResponseEncoding.encoder().encode(ErrorResponse(errors: error.messages))
        return response(status: ResponseEncoding.status(for: error.code), body: body)
    }

    static func response(status: Int, body: Data?) -> Response {
        var headers: HTTPFields = [.cacheControl: "no-store"]
        guard let body else {
            return Response(status: .init(code: status), headers: headers)
        }
        headers[.contentType] = "application/json"
        return Response(status: .init(code: status), headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}
