/// A request line decoded in one pass: the envelope, and the params already typed by method.
/// Envelope fields are `nil` when absent or of the wrong type (so a request with a bad id or
/// bad params can still be answered precisely).
struct IncomingRequest: Decodable {
    var jsonrpc: String?
    var id: Int?
    var method: String?
    /// `nil` when the method is missing or unknown; a failure when its params do not decode.
    var call: Result<PluginCall, DecodingError>?

    fileprivate enum CodingKeys: String, CodingKey { case jsonrpc, id, method, params }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        jsonrpc = try? container.decodeIfPresent(String.self, forKey: .jsonrpc)
        id = try? container.decodeIfPresent(Int.self, forKey: .id)
        method = try? container.decodeIfPresent(String.self, forKey: .method)
        guard let method, let known = PluginMethod(rawValue: method) else {
            call = nil
            return
        }
        do {
            call = .success(try PluginCall(known, params: container))
        } catch let error as DecodingError {
            call = .failure(error)
        } catch {
            call = .failure(.dataCorrupted(.init(codingPath: [CodingKeys.params], debugDescription: "undecodable")))
        }
    }
}

/// One method call with its typed params.
enum PluginCall: Sendable {
    case info
    case initialize(InitializeRequest)
    case newUser(NewUserRequest)
    case renewUser(RenewUserRequest)
    case revokeUser(RevokeUserRequest)
    case rotateRoot(RotateRootRequest)
    case setCredentials(SetCredentialsRequest)
    case close(CloseRequest)

    fileprivate init(
        _ method: PluginMethod, params container: KeyedDecodingContainer<IncomingRequest.CodingKeys>
    ) throws {
        func params<Params: Decodable>(_ type: Params.Type) throws -> Params {
            try container.decode(type, forKey: .params)
        }
        switch method {
        case .info: self = .info  // takes no params; whatever was sent is ignored
        case .initialize: self = .initialize(try params(InitializeRequest.self))
        case .newUser: self = .newUser(try params(NewUserRequest.self))
        case .renewUser: self = .renewUser(try params(RenewUserRequest.self))
        case .revokeUser: self = .revokeUser(try params(RevokeUserRequest.self))
        case .rotateRoot: self = .rotateRoot(try params(RotateRootRequest.self))
        case .setCredentials: self = .setCredentials(try params(SetCredentialsRequest.self))
        case .close: self = .close(try params(CloseRequest.self))
        }
    }

    /// The connection the call is about; `nil` for the calls that need none initialised.
    var connectionToCheck: String? {
        switch self {
        case .info, .initialize: nil
        case .newUser(let request): request.connection
        case .renewUser(let request): request.connection
        case .revokeUser(let request): request.connection
        case .rotateRoot(let request): request.connection
        case .setCredentials(let request): request.connection
        case .close(let request): request.connection
        }
    }

    var method: PluginMethod {
        switch self {
        case .info: .info
        case .initialize: .initialize
        case .newUser: .newUser
        case .renewUser: .renewUser
        case .revokeUser: .revokeUser
        case .rotateRoot: .rotateRoot
        case .setCredentials: .setCredentials
        case .close: .close
        }
    }
}

/// Messages for params that do not decode: which field and what is wrong, never its value.
enum ParamsErrorDescription {
    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, let context):
            return "invalid params: missing field \(path(context.codingPath + [key]))"
        case .typeMismatch(_, let context):
            return "invalid params: wrong type for \(path(context.codingPath))"
        case .valueNotFound(_, let context):
            return "invalid params: null for \(path(context.codingPath))"
        case .dataCorrupted(let context):
            return "invalid params: invalid value for \(path(context.codingPath))"
        @unknown default:
            return "invalid params"
        }
    }

    private static func path(_ codingPath: [any CodingKey]) -> String {
        var text = ""
        for key in codingPath {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return text.isEmpty ? "params" : text
    }
}
