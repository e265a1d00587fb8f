import Synchronization

/// A family of `sys/` paths served outside the core, installed by whoever assembles the server
/// (the plugin catalog lives in the plugin host, which the core must not depend on).
package protocol SystemPathHandler: Sendable {
    /// Its paths below `sys/`, each with its auth class, as any backend declares them.
    var paths: [EnginePath] { get }
}

extension Core {
    /// Adds the handler's paths to the `sys/` table, before the built-in ones.
    package func install(_ handler: any SystemPathHandler) {
        systemPaths.withLock { $0 = EnginePathTable(handler.paths + $0.paths) }
    }

    /// Encrypted storage below a prefix, for state kept by installed handlers (e.g. the catalog).
    /// Usable while unsealed; while sealed every call fails with the barrier's sealed error.
    package func storage(prefix: String) -> StorageView {
        StorageView(backend: barrier, prefix: prefix)
    }
}
