import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import VaultAPI

/// The one HTTP client every command uses: Vault's API conventions (`/v1/` prefix,
/// `X-Vault-Token`, JSON bodies, `{"errors": [...]}`) live here and nowhere else.
struct APIClient: Sendable {
    let settings: ClientSettings
    private let http: HTTPClient

    private static let maxResponseBytes = 32 * 1024 * 1024
    private static let requestTimeout: TimeAmount = .seconds(60)

    /// Runs `body` with a client and always shuts the client down afterwards.
    static func with<T: Sendable>(
        _ settings: ClientSettings,
        _ body: (APIClient) async throws -> T
    ) async throws -> T {
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: try makeConfiguration(settings))
        let client = APIClient(settings: settings, http: http)
        do {
            let result = try await body(client)
            try? await http.shutdown()
            return result
        } catch {
            try? await http.shutdown()
            throw error
        }
    }

    private static func makeConfiguration(_ settings: ClientSettings) throws -> HTTPClient.Configuration {
        var tls = TLSConfiguration.makeClientConfiguration()
        if settings.skipVerify {
            tls.certificateVerification = .none
        }
        if let path = settings.caCertificatePath {
            do {
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(path))
            } catch {
                throw CommandFailure.local("Error loading CA certificate \(path): \(error)")
            }
        }
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        configuration.timeout = .init(connect: .seconds(10), read: requestTimeout)
        // A CLI makes one request: report a refused connection at once, as Vault does,
        // instead of retrying with back-off until the connect timeout.
        configuration.connectionPool.retryConnectionEstablishment = false
        return configuration
    }

    /// Sends one request and returns the body of a 2xx answer (nil when empty, e.g. 204).
    func send(
        _ method: HTTPMethod,
        _ path: String,
        query: String? = nil,
        body: (any Encodable & Sendable)? = nil
    ) async throws -> Data? {
        let url = try makeURL(path: path, query: query)
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "X-Vault-Request", value: "true")
        if let token = settings.token {
            request.headers.add(name: "X-Vault-Token", value: token)
        }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(body)))
        }

        let response: HTTPClientResponse
        let bytes: ByteBuffer
        do {
            response = try await http.execute(request, timeout: Self.requestTimeout)
            bytes = try await response.body.collect(upTo: Self.maxResponseBytes)
        } catch {
            throw TransportError(code: .connectionFailed, method: method.rawValue, url: url, reason: Self.describe(error))
        }

        let data = Data(bytes.readableBytesView)
        guard (200..<300).contains(Int(response.status.code)) else {
            throw APIResponseError(
                method: method.rawValue, url: url, statusCode: Int(response.status.code),
                errors: Self.errorLines(in: data)
            )
        }
        return data.isEmpty ? nil : data
    }

    /// Sends a request and decodes a 2xx JSON answer.
    func decode<Response: Decodable>(
        _ type: Response.Type,
        _ method: HTTPMethod,
        _ path: String,
        query: String? = nil,
        body: (any Encodable & Sendable)? = nil
    ) async throws -> Response {
        let url = try makeURL(path: path, query: query)
        guard let data = try await send(method, path, query: query, body: body) else {
            throw TransportError(code: .invalidResponse, method: method.rawValue, url: url, reason: "empty body")
        }
        do {
            return try JSONDecoder().decode(Response.self, from: data)
        } catch {
            throw TransportError(code: .invalidResponse, method: method.rawValue, url: url, reason: "\(error)")
        }
    }

    private func makeURL(path: String, query: String?) throws -> String {
        var base = settings.address
        while base.hasSuffix("/") { base.removeLast() }
        guard let parsed = URL(string: base), let scheme = parsed.scheme?.lowercased(),
              ["http", "https"].contains(scheme), parsed.host != nil
        else {
            throw TransportError(code: .invalidAddress, method: "", url: settings.address, reason: "must be http(s)://host[:port]")
        }
        let encodedPath = path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? path
        return base + "/v1/" + encodedPath + (query.map { "?" + $0 } ?? "")
    }

    private static func errorLines(in data: Data) -> [String] {
        if let decoded = try? JSONDecoder().decode(ErrorResponse.self, from: data) {
            return decoded.errors ?? []
        }
        let text = String(decoding: data.prefix(512), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? [] : [text]
    }

    /// NIO's errors describe themselves verbosely; keep the part a person can act on.
    private static func describe(_ error: any Error) -> String {
        if let ioError = error as? IOError, ioError.errnoCode == ECONNREFUSED {
            return "connect: connection refused"
        }
        let text = String(describing: error)
        if text.contains("connectionRefused") || text.contains("Connection refused") {
            return "connect: connection refused"
        }
        return text
    }
}
