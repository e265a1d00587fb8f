/// One family of an engine's paths (Vault's `framework.Path`): a pattern, the operations it
/// serves with a typed handler each, how the core authorises it, an optional existence check
/// (create vs update for the ACL) and a help line.
package struct EnginePath: Sendable {
    package typealias Handler = @Sendable (EngineRequest, EnginePathMatch) async throws -> LogicalResponse

    package var pattern: EnginePathPattern
    package var operations: [LogicalOperation: Handler]
    package var exists: (@Sendable (EngineRequest, EnginePathMatch) async throws -> Bool)?
    package var auth: PathAuthClass
    package var help: String

    package init(
        _ pattern: String,
        help: String,
        auth: PathAuthClass = .acl,
        operations: [LogicalOperation: Handler],
        exists: (@Sendable (EngineRequest, EnginePathMatch) async throws -> Bool)? = nil
    ) {
        self.pattern = EnginePathPattern(pattern)
        self.help = help
        self.auth = auth
        self.operations = operations
        self.exists = exists
    }

    /// A path whose one handler serves every operation and answers 405 itself for those it
    /// does not serve (the `sys/` and `auth/token/` families, which check operations as Vault's do).
    package init(
        _ pattern: String,
        help: String,
        auth: PathAuthClass = .acl,
        everyOperation handler: @escaping Handler,
        exists: (@Sendable (EngineRequest, EnginePathMatch) async throws -> Bool)? = nil
    ) {
        self.init(pattern, help: help, auth: auth,
                  operations: Dictionary(uniqueKeysWithValues: LogicalOperation.allCases.map { ($0, handler) }), exists: exists)
    }

    /// A handler whose request data is decoded into `Parameters` first: each path is typed at the
    /// edge, and a malformed body is a 400 before the handler runs.
    package static func typed<Parameters: Decodable>(
        _ type: Parameters.Type,
        _ body: @escaping @Sendable (EngineRequest, EnginePathMatch, Parameters) async throws -> LogicalResponse
    ) -> Handler {
        { request, match in try await body(request, match, try request.decode(Parameters.self)) }
    }
}

/// An engine's paths, tried in order: the first pattern that matches serves the request. A path
/// no pattern matches is a 404, an operation its pattern does not serve a 405, as in Vault.
package struct EnginePathTable: Sendable {
    package let paths: [EnginePath]
    /// For a large table (`sys/` has dozens of patterns and is asked twice per request):
    /// each literal pattern's text mapped to the first path that matches that text, which is what
    /// the ordered scan would find for a request naming it exactly.
    private let literalIndex: [String: Int]

    package init(_ paths: [EnginePath]) {
        self.paths = paths
        var index: [String: Int] = [:]
        if paths.count > Self.indexedTableSize {
            for path in paths where path.pattern.isLiteral && index[path.pattern.description] == nil {
                let text = path.pattern.description
                index[text] = paths.firstIndex { $0.pattern.match(text) != nil }
            }
        }
        literalIndex = index
    }

    /// Smaller tables (engines build theirs per request) are scanned: building an index would cost
    /// what it saves.
    private static let indexedTableSize = 16

    package func route(_ path: String) -> (EnginePath, EnginePathMatch)? {
        if let index = literalIndex[path], let match = paths[index].pattern.match(path) {
            return (paths[index], match)
        }
        for candidate in paths {
            if let match = candidate.pattern.match(path) { return (candidate, match) }
        }
        return nil
    }

    package func handle(_ request: EngineRequest) async throws -> LogicalResponse {
        guard let (path, match) = route(request.path) else {
            throw CustosError(.notFound, "no handler for route \"\(request.mount.path)\(request.path)\". route entry not found.")
        }
        // The ACL turns an update on a missing target into `create`; a path that serves only
        // one of the two answers both, as Vault's framework does.
        let operation = request.operation
        let handler = path.operations[operation]
            ?? (operation == .create ? path.operations[.update] : nil)
            ?? (operation == .update ? path.operations[.create] : nil)
        guard let handler else { throw CustosError.unsupportedOperation() }
        return try await handler(request, match)
    }

    /// How the core authorises `path`; a path the table does not serve is checked by the ACL
    /// (so that a caller the ACL refuses learns 403, not whether the path exists).
    package func authClass(for path: String) -> PathAuthClass {
        route(path)?.0.auth ?? .acl
    }

    /// nil when the path has no existence check (the ACL then asks for `update`).
    package func exists(_ request: EngineRequest) async throws -> Bool? {
        guard let (path, match) = route(request.path), let exists = path.exists else { return nil }
        return try await exists(request, match)
    }
}
