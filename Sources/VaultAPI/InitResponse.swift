/// `PUT sys/init`: the unseal keys and the root token, handed out once.
package struct InitResponse: Codable, Sendable, Equatable {
    package var keys: [String]
    package var keysBase64: [String]
    package var rootToken: String

    enum CodingKeys: String, CodingKey {
        case keys, keysBase64 = "keys_base64", rootToken = "root_token"
    }

    package init(keys: [String], keysBase64: [String], rootToken: String) {
        self.keys = keys
        self.keysBase64 = keysBase64
        self.rootToken = rootToken
    }
}

/// `GET sys/init`.
package struct InitStatus: Codable, Sendable, Equatable {
    package var initialized: Bool

    package init(initialized: Bool) {
        self.initialized = initialized
    }
}
