/// The server answered with an error status; `errors` are the lines of its `{"errors": [...]}` body.
struct APIResponseError: Error, Sendable {
    let method: String
    let url: String
    let statusCode: Int
    let errors: [String]

    /// Vault's shape, which people paste into tickets and scripts grep for.
    var vaultDescription: String {
        var text = "Error making API request.\n\nURL: \(method) \(url)\nCode: \(statusCode)."
        if errors.isEmpty {
            text += " Errors:\n"
        } else {
            text += " Errors:\n\n" + errors.map { "* \($0)" }.joined(separator: "\n")
        }
        return text
    }
}

/// The request never got an HTTP answer (connection refused, TLS failure, bad address).
struct TransportError: Error, Sendable, CustomStringConvertible {
    enum Code: Sendable {
        case invalidAddress
        case connectionFailed
        case invalidResponse
    }

    let code: Code
    let method: String
    let url: String
    let reason: String

    var description: String {
        switch code {
        case .invalidAddress: return "invalid address \"\(url)\": \(reason)"
        case .connectionFailed: return "\(method) \"\(url)\": \(reason)"
        case .invalidResponse: return "\(method) \"\(url)\": invalid response: \(reason)"
        }
    }
}
