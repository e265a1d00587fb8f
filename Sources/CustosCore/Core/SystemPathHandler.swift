import Synchronization

/// A family of `sys/` paths served outside the core, installed by whoever assembles the server
/// (the plugin catalog lives in the plugin host, which the core must not depend on).
package protocol SystemPathHandler: Sendable {
    /// Full path prefixes it serves, e.g. `sys/plugins/`.
    var pathPrefixes: [String] { get }
    func handle(_ request: LogicalRequest) async throws -> LogicalResponse
}

extension Core {
    package func install(_ handler: any SystemPathHandler) {
        systemHandlers.withLock { $0.append(handler) }
    }

    func systemHandler(for path: String) -> (any SystemPathHandler)? {
        systemHandlers.withLock { handlers in
            handlers.first { handler in handler.pathPrefixes.contains { path.hasPrefix($0) || path + "/" == $0 } }
        }
    }

    /// Encrypted storage below a prefix, for state kept by installed handlers (e.g. the catalog).
    /// Usable while unsealed; while sealed every call fails with the barrier's sealed error.
    package func storage(prefix: String) -> StorageView {
        StorageView(backend: barrier, prefix: prefix)
    }
}
