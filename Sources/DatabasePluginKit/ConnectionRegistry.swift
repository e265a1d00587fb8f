import Synchronization

/// The connection ids the plugin has accepted through `Initialize` and not yet closed: calls on
/// other ids are refused before they reach the plugin, and shutdown closes the ones left.
final class ConnectionRegistry: Sendable {
    private let connections = Mutex<Set<String>>([])

    func contains(_ connection: String) -> Bool {
        connections.withLock { $0.contains(connection) }
    }

    func insert(_ connection: String) {
        _ = connections.withLock { $0.insert(connection) }
    }

    func remove(_ connection: String) {
        _ = connections.withLock { $0.remove(connection) }
    }

    func removeAll() -> [String] {
        connections.withLock { connections in
            defer { connections.removeAll() }
            return connections.sorted()
        }
    }
}
