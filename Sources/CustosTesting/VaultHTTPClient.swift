package import CustosJSON
package import Foundation
package import VaultAPI

/// What a test asks of a server over HTTP, whether it runs in this process (`InProcessClient`)
/// or as a child process (`VaultTestClient`): so a check written once runs against either.
package protocol VaultHTTPClient: Sendable {
    func request(
        _ method: String, _ path: String, json: [String: JSONValue]?, rawBody: Data?,
        headers: [(String, String)], useToken: Bool
    ) async throws -> VaultTestClient.Response
}

extension VaultHTTPClient {
    package func request(
        _ method: String, _ path: String, json: [String: JSONValue]? = nil, rawBody: Data? = nil,
        headers: [(String, String)] = [], useToken: Bool = true
    ) async throws -> VaultTestClient.Response {
        try await request(method, path, json: json, rawBody: rawBody, headers: headers, useToken: useToken)
    }

    package func read(_ path: String) async throws -> VaultTestClient.Response { try await request("GET", path) }
    package func list(_ path: String) async throws -> VaultTestClient.Response { try await request("LIST", path) }
    package func write(_ path: String, _ json: [String: JSONValue]) async throws -> VaultTestClient.Response {
        try await request("POST", path, json: json)
    }
    package func delete(_ path: String) async throws -> VaultTestClient.Response { try await request("DELETE", path) }
}

/// A server answered something a test helper did not expect (the test fails with this text).
package struct UnexpectedResponse: Error, CustomStringConvertible {
    package var description: String
}

extension VaultHTTPClient {
    /// Initialises an uninitialised server with 5 shares and a threshold of 3, checking on the
    /// way that it says it is not initialised (`sys/init`, and 501 from `sys/health`); any other
    /// answer throws `UnexpectedResponse`.
    package func initialiseWithFiveShares() async throws -> InitResponse {
        let status = try await request("GET", "sys/init", useToken: false)
        guard status.json?["initialized"] == .bool(false) else {
            throw UnexpectedResponse(description: "sys/init before init: \(status.text)")
        }
        let health = try await request("GET", "sys/health", useToken: false)
        guard health.status == 501 else { throw UnexpectedResponse(description: "sys/health before init: \(health.status)") }
        let response = try await request(
            "PUT", "sys/init", json: ["secret_shares": .int(5), "secret_threshold": .int(3)], useToken: false)
        guard response.status == 200, let initialised = try? JSONDecoder().decode(InitResponse.self, from: response.body) else {
            throw UnexpectedResponse(description: "sys/init: \(response.status) \(response.text)")
        }
        return initialised
    }
}
