package import DatabasePluginProtocol
import Synchronization

/// The last config each connection was initialised with, per plugin: what a restarted plugin is
/// re-`Initialize`d from. Held in memory only (the engine persists configs itself).
package final class ConnectionConfigRegistry: Sendable {
    private let configs = Mutex<[String: [String: PluginConfig]]>([:])

    package init() {}

    package func config(plugin: String, connection: String) -> PluginConfig? {
        configs.withLock { $0[plugin]?[connection] }
    }

    package func set(_ config: PluginConfig, plugin: String, connection: String) {
        configs.withLock { $0[plugin, default: [:]][connection] = config }
    }

    package func remove(plugin: String, connection: String) {
        configs.withLock { _ = $0[plugin]?.removeValue(forKey: connection) }
    }

    /// Forgets every config (they hold database credentials): on seal.
    package func removeAll() {
        configs.withLock { $0.removeAll() }
    }

    package func connections(of plugin: String) -> [String] {
        configs.withLock { Array(($0[plugin] ?? [:]).keys).sorted() }
    }
}
