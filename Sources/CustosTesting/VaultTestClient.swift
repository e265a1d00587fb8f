import AsyncHTTPClient
import CustosCore
package import CustosJSON
package import Foundation
import NIOCore
import NIOHTTP1

/// Raw HTTP against a running server, to check status codes and bodies exactly as clients see them.
package struct VaultTestClient: VaultHTTPClient {
    package var address: String
    package var token: String?

    package init(address: String, token: String? = nil) {
        self.address = address
        self.token = token
    }

    package struct Response: Sendable {
        package var status: Int
        package var body: Data
        package var headers: [(String, String)]

        /// The body as JSON (nil for an empty or non-JSON body).
        package var json: [String: JSONValue]? {
            try? JSONDecoder().decode([String: JSONValue].self, from: body)
        }
        package var data: [String: JSONValue]? { json?["data"]?.objectValue }
        /// Vault's `errors` array.
        package var errors: [String] {
            guard case .array(let items)? = json?["errors"] else { return [] }
            return items.compactMap(\.stringValue)
        }
        package var text: String { String(decoding: body, as: UTF8.self) }
    }

    package func request(
        _ method: String,
        _ path: String,
        json: [String: JSONValue]?,
        rawBody: Data?,
        headers: [(String, String)],
        useToken: Bool
    ) async throws -> Response {
        var request = HTTPClientRequest(url: address + "/v1/" + path)
        request.method = HTTPMethod(rawValue: method)
        if useToken, let token { request.headers.add(name: "X-Vault-Token", value: token) }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let json {
            request.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(json)))
            request.headers.add(name: "Content-Type", value: "application/json")
        } else if let rawBody {
            request.body = .bytes(ByteBuffer(bytes: rawBody))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 64 * 1024 * 1024)
        return Response(
            status: Int(response.status.code),
            body: Data(body.readableBytesView),
            headers: response.headers.map { ($0.name, $0.value) }
        )
    }
}

extension VaultTestClient.Response {
    /// A header's value; names compare without case.
    package func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }
}

extension JSONValue {
    /// The strings of a JSON array (`keys`, `warnings`); empty for anything else.
    package var testStrings: [String] {
        if case .array(let items) = self { return items.compactMap(\.stringValue) }
        return []
    }
}
