package import CustosJSON
package import Foundation

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
    /// The request's data, decoded once when the request is made: the ACL's parameter checks,
    /// the audit log and the path's typed parameters all read it.
    package let data: RequestData
    /// Query parameters; for reads and lists they are the request's data (as in Vault).
    package let query: [String: String]
    package var clientToken: String?
    package var remoteAddress: String?
    /// The client's port, for the audit log (Vault's `remote_port`).
    package var remotePort: Int?

    /// `body` is the raw JSON body, if any: the body wins; without one (or with nothing but
    /// whitespace) the query parameters are the data (reads, lists, `sys/health?x=y`).
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
        self.data = RequestData(body: body, query: query)
        self.query = query
        self.clientToken = clientToken
        self.remoteAddress = remoteAddress
        self.remotePort = remotePort
    }

    /// Decodes the request's data into a path's typed parameters.
    package func decode<T: Decodable>(_ type: T.Type) throws(CustosError) -> T {
        try RequestDecoding.decode(type, from: data)
    }

    /// The request's data as a free-form JSON object (for engines such as KV that store it as is).
    package func dataObject() throws(CustosError) -> [String: JSONValue] {
        switch data {
        case .json(.object(let object)): return object
        case .json: throw CustosError.badRequest("failed to parse JSON input: expected a JSON object")
        case .malformed: throw RequestData.malformedError
        }
    }
}

/// A request's data: the JSON body (any value; paths want an object), or without a body the
/// query parameters as strings. A body that is not JSON is refused by every path that reads the
/// data and ignored by those that do not (`sys/seal`).
package enum RequestData: Sendable, Equatable {
    case json(JSONValue)
    /// Not JSON, or JSON that `JSONValue` cannot hold (a number beyond `Double`, such as `1e400`):
    /// kept for the typed decoding, which answers it as it always did (naming the field).
    case malformed(Data)

    static let malformedError = CustosError.badRequest("failed to parse JSON input: the request body is not valid JSON")

    init(body: Data?, query: [String: String]) {
        guard let body, Self.hasContent(body) else {
            self = .json(.object(query.mapValues { .string($0) }))
            return
        }
        do {
            self = .json(try JSONDecoder().decode(JSONValue.self, from: body))
        } catch {
            self = .malformed(body)
        }
    }

    /// A body of nothing but JSON whitespace counts as no body: the query is the data then.
    static func hasContent(_ body: Data) -> Bool {
        body.contains { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }
    }
}
