import CustosJSON
import Foundation
import NIOHTTP1
import VaultAPI

/// Vault's logical API (any mounted path): read, write, list, delete.
extension APIClient {
    /// nil when the server answers 404 or with no body: Vault's "No value found".
    func readSecret(_ path: String, query: String? = nil) async throws -> SecretResponse? {
        do {
            guard let data = try await send(.GET, path, query: query) else { return nil }
            return try decodeSecret(data, path: path)
        } catch let error as APIResponseError where error.statusCode == 404 {
            return nil
        }
    }

    /// nil when the server answers without a body (204), which is how most writes succeed.
    func writeSecret(_ path: String, data: [String: JSONValue]) async throws -> SecretResponse? {
        guard let body = try await send(.PUT, path, body: data) else { return nil }
        return try decodeSecret(body, path: path)
    }

    /// The keys under `path`; nil when there is nothing there (404).
    func list(_ path: String) async throws -> [String]? {
        do {
            guard let data = try await send(.GET, path, query: "list=true") else { return nil }
            return try JSONDecoder().decode(SecretEnvelope<KeyList, JSONValue>.self, from: data).data?.keys
        } catch let error as APIResponseError where error.statusCode == 404 {
            return nil
        } catch is DecodingError {
            throw TransportError(code: .invalidResponse, method: "LIST", url: path, reason: "no keys in the response")
        }
    }

    func delete(_ path: String) async throws {
        _ = try await send(.DELETE, path)
    }

    private func decodeSecret(_ data: Data, path: String) throws -> SecretResponse {
        do {
            return try JSONDecoder().decode(SecretResponse.self, from: data)
        } catch {
            throw TransportError(code: .invalidResponse, method: "GET", url: path, reason: "not a Vault response envelope")
        }
    }
}
