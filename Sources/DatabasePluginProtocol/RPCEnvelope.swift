/// A JSON-RPC 2.0 request line (host -> plugin).
public struct RPCRequest: Codable, Sendable {
    public var jsonrpc: String = "2.0"
    public var id: Int
    public var method: String
    public var params: JSONValue

    public init(id: Int, method: String, params: JSONValue = .object([:])) {
        self.id = id
        self.method = method
        self.params = params
    }

    public init(id: Int, method: PluginMethod, params: JSONValue = .object([:])) {
        self.init(id: id, method: method.rawValue, params: params)
    }

    private enum CodingKeys: String, CodingKey { case jsonrpc, id, method, params }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        jsonrpc = try container.decodeIfPresent(String.self, forKey: .jsonrpc) ?? "2.0"
        id = try container.decode(Int.self, forKey: .id)
        method = try container.decode(String.self, forKey: .method)
        // JSON-RPC allows omitting params; `{}` is what every method then sees.
        params = try container.decodeIfPresent(JSONValue.self, forKey: .params) ?? .object([:])
    }
}

/// A JSON-RPC 2.0 response line (plugin -> host): exactly one of `result` and `error`.
public struct RPCResponse: Codable, Sendable {
    public var jsonrpc: String
    /// `nil` only for an answer to a line whose id could not be read (parse error).
    public var id: Int?
    public var result: JSONValue?
    public var error: RPCErrorObject?

    public init(jsonrpc: String = "2.0", id: Int?, result: JSONValue? = nil, error: RPCErrorObject? = nil) {
        self.jsonrpc = jsonrpc
        self.id = id
        self.result = result
        self.error = error
    }

    public init(id: Int?, error: PluginError, code: Int = RPCErrorCode.applicationError) {
        self.init(id: id, error: RPCErrorObject(code: code, message: error.message, data: RPCErrorData(kind: error.kind)))
    }

    private enum CodingKeys: String, CodingKey { case jsonrpc, id, result, error }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        jsonrpc = try container.decodeIfPresent(String.self, forKey: .jsonrpc) ?? "2.0"
        id = try container.decodeIfPresent(Int.self, forKey: .id)
        error = try container.decodeIfPresent(RPCErrorObject.self, forKey: .error)
        // `"result": null` is a result; keep it distinguishable from an absent one.
        if container.contains(.result) {
            result = try container.decode(JSONValue.self, forKey: .result)
        } else {
            result = nil
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(jsonrpc, forKey: .jsonrpc)
        // JSON-RPC requires `id` in every response, `null` when the request's id is unknown.
        if let id {
            try container.encode(id, forKey: .id)
        } else {
            try container.encodeNil(forKey: .id)
        }
        if let error {
            try container.encode(error, forKey: .error)
        } else {
            try container.encode(result ?? .null, forKey: .result)
        }
    }

    /// The error as a `PluginError` (kind from `data.kind`, else derived from the code).
    public var pluginError: PluginError? {
        error.map { PluginError($0.kind, $0.message) }
    }
}

/// A JSON-RPC error object; `data.kind` carries the `PluginErrorKind`.
public struct RPCErrorObject: Codable, Sendable, Equatable {
    public var code: Int
    public var message: String
    public var data: RPCErrorData?

    public init(code: Int, message: String, data: RPCErrorData? = nil) {
        self.code = code
        self.message = message
        self.data = data
    }

    /// `data.kind`, or the kind a standard code implies when a peer left `data` out.
    public var kind: PluginErrorKind {
        if let kind = data?.kind { return kind }
        switch code {
        case RPCErrorCode.methodNotFound: return .unsupported
        case RPCErrorCode.invalidParams, RPCErrorCode.invalidRequest, RPCErrorCode.parseError: return .invalidRequest
        default: return .internal
        }
    }
}

public struct RPCErrorData: Codable, Sendable, Equatable {
    public var kind: PluginErrorKind

    public init(kind: PluginErrorKind) {
        self.kind = kind
    }
}

/// JSON-RPC 2.0 error codes used by the protocol.
public enum RPCErrorCode {
    public static let parseError = -32700
    public static let invalidRequest = -32600
    public static let methodNotFound = -32601
    public static let invalidParams = -32602
    public static let internalError = -32603
    /// Errors raised by the plugin's own code; `data.kind` says which.
    public static let applicationError = -32000
}
