import CustosCore
import CustosJSON
import DatabasePluginProtocol
import Foundation
import PluginHost

/// The engine's connections in their plugins. Each `config/<name>` is one plugin connection,
/// named `<mount accessor>/<name>` so that two mounts never share one; it is initialised from
/// the stored config on first use after the engine starts (unseal, enable), and closed on stop.
actor ConnectionManager {
    let supervisor: PluginSupervisor
    let mountAccessor: String
    /// Connections initialised by this engine instance, with the plugin serving each.
    private var open: [String: String] = [:]
    /// Each plugin's default username template (from `Info`), asked once, not per credential.
    private var defaultTemplates: [String: String] = [:]

    init(supervisor: PluginSupervisor, mountAccessor: String) {
        self.supervisor = supervisor
        self.mountAccessor = mountAccessor
    }

    nonisolated func connectionID(_ name: String) -> String { mountAccessor + "/" + name }

    nonisolated func client(for config: ConnectionConfig) -> PluginClient {
        PluginClient(plugin: config.pluginName, supervisor: supervisor)
    }

    /// `Initialize` with what the admin wrote; returns what the plugin says to persist.
    func initialize(_ name: String, config: ConnectionConfig, details: [String: JSONValue], verify: Bool) async throws -> [String: JSONValue] {
        if let previous = open[name], previous != config.pluginName {
            // The connection moved to another plugin: the old one must let it go.
            try? await PluginClient(plugin: previous, supervisor: supervisor).close(connection: connectionID(name))
        }
        let result = try await client(for: config).initialize(InitializeRequest(
            connection: connectionID(name), config: details, verifyConnection: verify))
        open[name] = config.pluginName
        return result.config.isEmpty ? details : result.config
    }

    /// A client whose plugin knows the connection (initialised without verifying, as Vault does
    /// when it loads a stored connection).
    func ready(_ name: String, config: ConnectionConfig) async throws -> PluginClient {
        if open[name] != config.pluginName {
            _ = try await initialize(name, config: config, details: config.details, verify: false)
        }
        return client(for: config)
    }

    /// The plugin's default username template; nil when its `Info` does not answer.
    func defaultUsernameTemplate(_ config: ConnectionConfig) async -> String? {
        if let known = defaultTemplates[config.pluginName] { return known }
        guard let template = try? await client(for: config).info().defaultUsernameTemplate else { return nil }
        defaultTemplates[config.pluginName] = template
        return template
    }

    /// After a root rotation the plugin already holds the new config; remember it is open.
    func markOpen(_ name: String, plugin: String) { open[name] = plugin }

    func close(_ name: String) async {
        guard let plugin = open.removeValue(forKey: name) else { return }
        try? await PluginClient(plugin: plugin, supervisor: supervisor).close(connection: connectionID(name))
    }

    /// The plugins whose connections this engine opened (for `reload/<plugin>`).
    func names(servedBy plugin: String) -> [String] { open.filter { $0.value == plugin }.map(\.key).sorted() }

    func forget(_ name: String) { open[name] = nil }

    /// On stop (seal, disable): closes this engine's connections, then stops each plugin process
    /// that serves no connection any more (it held the root credentials of the ones closed).
    func closeAll() async {
        let plugins = Set(open.values)
        for name in open.keys.sorted() { await close(name) }
        for plugin in plugins.sorted() where supervisor.connectionConfigs.connections(of: plugin).isEmpty {
            await supervisor.stop(plugin)
        }
    }
}
