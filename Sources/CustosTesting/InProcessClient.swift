package import CustosJSON
import CustosCore
import CustosServer
package import Foundation

/// `VaultTestClient`'s requests against an `InProcessServer`: each on a connection of its own,
/// written as an HTTP client writes it, answered as the listener answers it.
package struct InProcessClient: VaultHTTPClient {
    let application: VaultApplication
    package var token: String?

    package struct NoResponse: Error, CustomStringConvertible {
        package var description: String
    }

    package func request(
        _ method: String,
        _ path: String,
        json: [String: JSONValue]?,
        rawBody: Data?,
        headers: [(String, String)],
        useToken: Bool
    ) async throws -> VaultTestClient.Response {
        var head = "\(method) /v1/\(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        if useToken, let token { head += "X-Vault-Token: \(token)\r\n" }
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        var body: Data?
        if let json {
            body = try JSONEncoder().encode(json)
            head += "Content-Type: application/json\r\n"
        } else if let rawBody {
            body = rawBody
        }
        if let body { head += "Content-Length: \(body.count)\r\n" }
        let bytes = Array((head + "\r\n").utf8) + (body.map(Array.init) ?? [])
        let response = try await InProcessConnection.with(application) { connection in
            try await connection.send(bytes)
            return try await connection.nextResponse(bodiless: method == "HEAD")
        }
        guard let response else { throw NoResponse(description: "\(method) \(path): the server closed the connection without answering") }
        return VaultTestClient.Response(status: response.status, body: Data(response.body), headers: response.headers)
    }
}
