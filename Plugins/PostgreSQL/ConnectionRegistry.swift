import DatabasePluginKit

/// One configured connection: its settings and its pool.
struct ConfiguredConnection: Sendable {
    var settings: ConnectionSettings
    let pool: ConnectionPool

    var runner: StatementRunner { StatementRunner(pool: pool) }
}

/// The connections this plugin process serves, by the host's connection id.
actor ConnectionRegistry {
    private var connections: [String: ConfiguredConnection] = [:]

    func connection(_ id: String) throws(PluginError) -> ConfiguredConnection {
        guard let connection = connections[id] else { throw PluginError.connectionNotInitialized(id) }
        return connection
    }

    /// Installs (or replaces) a connection; a replaced pool is closed.
    func install(_ connection: ConfiguredConnection, as id: String) async {
        let previous = connections.updateValue(connection, forKey: id)
        if let previous, previous.pool !== connection.pool {
            await previous.pool.close()
        }
    }

    /// Records new settings (after a root rotation) for the same pool.
    func update(_ settings: ConnectionSettings, for id: String) {
        connections[id]?.settings = settings
    }

    func remove(_ id: String) async {
        if let removed = connections.removeValue(forKey: id) {
            await removed.pool.close()
        }
    }
}
