import CustosJSON
import Foundation
import NIOHTTP1

/// A typed response plus the object it came from, so `-format=json` can print every field
/// the server sent (including ones this CLI does not know yet).
struct DecodedResponse<Value: Decodable & Sendable>: Sendable {
    var value: Value
    let raw: [String: JSONValue]
}

extension APIClient {
    func decodeKeepingRaw<Value: Decodable & Sendable>(
        _ type: Value.Type,
        _ method: HTTPMethod,
        _ path: String,
        body: (any Encodable & Sendable)? = nil
    ) async throws -> DecodedResponse<Value> {
        let raw = try await decode([String: JSONValue].self, method, path, body: body)
        do {
            let value = try JSONDecoder().decode(Value.self, from: JSONEncoder().encode(raw))
            return DecodedResponse(value: value, raw: raw)
        } catch {
            throw TransportError(code: .invalidResponse, method: method.rawValue, url: path, reason: "unexpected shape")
        }
    }
}
