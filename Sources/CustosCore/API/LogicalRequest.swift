import CustosJSON
import Foundation

/// What a request asks for, independent of HTTP verbs. `LIST` and `GET ?list=true` are both `list`;
/// `PUT` and `POST` are `update` (the ACL turns it into `create` when the target does not exist yet).
package enum LogicalOperation: String, Sendable, Hashable, CaseIterable {
    case read, list, create, update, delete, patch
}

/// A request as the core sees it: no HTTP in it.
package struct LogicalRequest: Sendable {
    package var id: String
    package var operation: LogicalOperation
    /// Path below `/v1/`, without a leading slash (`secret/foo`, `sys/mounts/kv`).
    package var path: String
    /// The raw JSON body, if any. Decoded by the path that serves the request.
    package var body: Data?
    /// Query parameters; for reads and lists they are the request's data (as in Vault).
    package var query: [String: String]
    package var clientToken: String?
    package var remoteAddress: String?
    /// The client's port, for the audit log (Vault's `remote_port`).
    package var remotePort: Int?

    package init(
        id: String = UUID().uuidString.lowercased(),
        operation: LogicalOperation,
        path: String,
        body: Data? = nil,
        query: [String: String] = [:],
        clientToken: String? = nil,
        remoteAddress: String? = nil,
        remotePort: Int? = nil
    ) {
        self.id = id
        self.operation = operation
        self.path = path
        self.body = body
        self.query = query
        self.clientToken = clientToken
        self.remoteAddress = remoteAddress
        self.remotePort = remotePort
    }

    /// Decodes the request's data into a path's typed parameters.
    /// The body wins; without a body, query parameters are the data (reads, lists, `sys/health?x=y`).
    package func decode<T: Decodable>(_ type: T.Type) throws(CustosError) -> T {
        try RequestDecoding.decode(type, body: body, query: query)
    }

    /// The request's data as a free-form JSON object (for engines such as KV that store it as is).
    package func dataObject() throws(CustosError) -> [String: JSONValue] {
        guard let body, RequestDecoding.hasContent(body) else {
            return query.mapValues { .string($0) }
        }
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: body)
        } catch {
            throw CustosError.badRequest("failed to parse JSON input: the request body is not valid JSON")
        }
        guard case .object(let object) = value else {
            throw CustosError.badRequest("failed to parse JSON input: expected a JSON object")
        }
        return object
    }
}
