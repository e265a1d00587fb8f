import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Just enough of Vault's HTTP API for the bench: one keep-alive connection per concurrent
/// client (the pool allows more than the highest concurrency), the root token in X-Vault-Token.
struct CustosHTTP: Sendable {
    let address: String
    let token: String
    let client: HTTPClient

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    init(address: String, token: String) {
        self.address = address
        self.token = token
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(120), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// The body of a 2xx answer; anything else throws with the status and Vault's errors (they
    /// never hold a secret).
    @discardableResult
    func call(_ method: HTTPMethod, _ path: String, _ body: [String: String]? = nil, timeout: TimeAmount = .seconds(30)) async throws -> Data {
        var request = HTTPClientRequest(url: address + "/v1/" + path)
        request.method = method
        request.headers.add(name: "X-Vault-Token", value: token)
        if let body {
            request.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(body)))
            request.headers.add(name: "Content-Type", value: "application/json")
        }
        let response = try await client.execute(request, timeout: timeout)
        let bytes = Data(try await response.body.collect(upTo: 1 << 20).readableBytesView)
        guard (200..<300).contains(response.status.code) else {
            let errors = (try? JSONDecoder().decode(ErrorReply.self, from: bytes))?.errors ?? []
            throw Failure(description: "\(method) \(path): \(response.status.code) \(errors.joined(separator: "; "))")
        }
        return bytes
    }

    private struct ErrorReply: Decodable {
        var errors: [String]
    }

    /// What a creds read returns that the bench keeps (the password is dropped at once).
    struct Credential: Sendable {
        var leaseID: String
        var username: String
    }

    private struct CredsReply: Decodable {
        struct Data: Decodable { var username: String }
        var lease_id: String
        var data: Data
    }

    func creds(_ role: String) async throws -> Credential {
        let reply = try JSONDecoder().decode(CredsReply.self, from: try await call(.GET, "database/creds/" + role))
        return Credential(leaseID: reply.lease_id, username: reply.data.username)
    }

    func shutdown() async throws {
        try await client.shutdown()
    }
}
