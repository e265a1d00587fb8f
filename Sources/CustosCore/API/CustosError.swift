/// The one error type the API layer turns into an HTTP status and Vault's `{"errors": [...]}`.
/// Messages are for the caller: they never carry a token, key, password or stored value.
package struct CustosError: Error, Sendable, Equatable, CustomStringConvertible {
    package enum Code: Sendable, Equatable {
        case badRequest
        case permissionDenied
        case notFound
        case unsupportedOperation
        case payloadTooLarge
        case rateLimited
        case sealed
        case notInitialized
        case `internal`
    }

    package var code: Code
    package var messages: [String]

    package init(_ code: Code, _ messages: String...) {
        self.code = code
        self.messages = messages
    }

    package init(_ code: Code, messages: [String]) {
        self.code = code
        self.messages = messages
    }

    package var description: String { messages.joined(separator: "; ") }

    package static let permissionDenied = CustosError(.permissionDenied, "permission denied")
    package static let sealed = CustosError(.sealed, "Custos is sealed")
    package static let notInitialized = CustosError(.notInitialized, "Custos is not initialized")

    package static func badRequest(_ message: String) -> CustosError { CustosError(.badRequest, message) }

    package static func unsupportedPath(_ path: String) -> CustosError {
        CustosError(.notFound, "unsupported path")
    }

    package static func unsupportedOperation() -> CustosError {
        CustosError(.unsupportedOperation, "unsupported operation")
    }
}
