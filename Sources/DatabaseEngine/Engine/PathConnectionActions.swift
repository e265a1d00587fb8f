import CustosCore
import Foundation

/// `reset/<name>`: close a connection and open it again from its stored config.
/// `reload/<plugin_name>`: the same for every connection of the mount that uses that plugin.
extension DatabaseEngine {
    var connectionActionPaths: [EnginePath] {
        [
            EnginePath("reset/{name}", help: "Close a connection and open it again from its stored config.", operations: [
                .update: { _, match in
                    try await reset(try Self.requireName(match["name"], "connection name"))
                    return .noContent
                },
            ]),
            EnginePath("reload/{plugin}", help: "Reset every connection of this mount that uses a plugin.", operations: [
                .update: { _, match in try await reload(plugin: try Self.requireName(match["plugin"], "plugin name")) },
            ]),
        ]
    }

    func reset(_ name: String) async throws {
        guard let config = try await connection(name) else {
            throw CustosError.badRequest("unable to reset connection \"\(name)\": it does not exist")
        }
        await connections.close(name)
        do {
            _ = try await connections.ready(name, config: config)
        } catch {
            throw DatabaseEngineError.api(error, doing: "failed to reset connection \"\(name)\"")
        }
    }

    struct ReloadAnswer: Encodable {
        var connections: [String]
        var count: Int
    }

    func reload(plugin: String) async throws -> LogicalResponse {
        var reset: [String] = []
        for key in try await storage.list(prefix: "config/") where !key.hasSuffix("/") {
            guard let config = try await connection(key), config.pluginName == plugin else { continue }
            try await self.reset(key)
            reset.append(key)
        }
        return LogicalResponse(data: ReloadAnswer(connections: reset, count: reset.count))
    }
}
