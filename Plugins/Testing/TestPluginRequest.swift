import DatabasePluginProtocol

/// Every field any method takes, all optional: the test plugin checks per method what it needs.
struct TestPluginParams: Decodable {
    var connection: String?
    var config: PluginConfig?
    var verifyConnection: Bool?
    var username: String?
    var password: String?
    var newPassword: String?
    var expiration: String?
    var statements: [String]?
}

struct TestPluginRequest: Decodable {
    var jsonrpc: String?
    var id: Int?
    var method: String?
    var params: TestPluginParams?
}

/// A failure the plugin reports as a JSON-RPC error.
struct TestPluginFailure: Error {
    var code: Int
    var kind: PluginErrorKind
    var message: String

    static func invalidParams(_ message: String) -> TestPluginFailure {
        TestPluginFailure(code: RPCErrorCode.invalidParams, kind: .invalidRequest, message: message)
    }

    static func notInitialized(_ connection: String) -> TestPluginFailure {
        TestPluginFailure(
            code: RPCErrorCode.applicationError, kind: .invalidRequest,
            message: "connection \(connection) is not initialized")
    }
}
