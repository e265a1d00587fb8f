/// The body of every failed request: `{"errors": ["..."]}`.
package struct ErrorResponse: Codable, Sendable, Equatable {
    /// Optional for the CLI: a server may send `null`. Custos always sends the list.
    package var errors: [String]?

    package init(errors: [String]) {
        self.errors = errors
    }
}
