import CustosCore
import Foundation
import Logging
import PluginHost
import VaultAPI

/// Vault's `database` secrets engine: connections (`config/`), dynamic roles (`roles/`,
/// `creds/`), static roles (`static-roles/`, `static-creds/`, `rotate-role/`, in StaticRoles/),
/// root rotation, and the plugin connections behind them. One file per path family, as Vault's
/// `path_*.go`.
struct DatabaseEngine: SecretsEngine {
    let storage: any StorageBackend
    let context: EngineContext
    let connections: ConnectionManager
    let catalog: PluginCatalog
    let writeAhead: EngineWriteAheadLog
    let staticRoles: StaticRoleRuntime

    init(context: EngineContext, supervisor: PluginSupervisor, catalog: PluginCatalog, tasks: BackgroundTaskHost) {
        self.storage = context.storage
        self.context = context
        self.catalog = catalog
        self.connections = ConnectionManager(supervisor: supervisor, mountAccessor: context.mount.accessor)
        self.writeAhead = EngineWriteAheadLog(storage: context.storage)
        self.staticRoles = StaticRoleRuntime(context: context, tasks: tasks)
    }

    /// The mount starts serving (unseal, enable): static-role rotations run from now on.
    func start() async {
        await staticRoles.scheduler.start(self)
    }

    var paths: EnginePathTable {
        EnginePathTable(
            configPaths + connectionActionPaths + rotateRootPaths + rolePaths + credsPaths + staticRolePaths
                + staticCredsPaths)
    }

    func handle(_ request: EngineRequest) async throws -> LogicalResponse {
        try await paths.handle(request)
    }

    func exists(_ request: EngineRequest) async throws -> Bool? {
        try await paths.exists(request)
    }

    func stop() async {
        // No rotation may run on a closed connection or a sealed barrier.
        await staticRoles.scheduler.stop()
        await connections.closeAll()
    }

    // MARK: Storage

    func connection(_ name: String) async throws -> ConnectionConfig? {
        guard let data = try await storage.get(ConnectionConfig.storageKey(name)) else { return nil }
        return try JSONDecoder().decode(ConnectionConfig.self, from: data)
    }

    func save(_ config: ConnectionConfig, name: String) async throws {
        try await storage.put(ConnectionConfig.storageKey(name), try JSONEncoder().encode(config))
    }

    func role(_ name: String) async throws -> DatabaseRole? {
        guard let data = try await storage.get(DatabaseRole.storageKey(name)) else { return nil }
        return try JSONDecoder().decode(DatabaseRole.self, from: data)
    }

    /// Names in the engine's storage below `prefix`, for LIST.
    func names(under prefix: String) async throws -> LogicalResponse {
        let keys = try await storage.list(prefix: prefix).filter { !$0.hasSuffix("/") }
        guard !keys.isEmpty else { throw CustosError(.notFound, messages: []) }
        return LogicalResponse(data: KeyList(keys: keys))
    }

    static func requireName(_ name: String, _ what: String) throws(CustosError) -> String {
        guard !name.isEmpty, !name.contains("/") else { throw .badRequest("missing \(what)") }
        return name
    }
}

/// The `database` engine kind, built with the plugin host it needs and the service its engines'
/// background work runs in; registered by the server.
enum DatabaseEngineType {
    static func make(supervisor: PluginSupervisor, catalog: PluginCatalog, tasks: BackgroundTaskHost) -> SecretsEngineType {
        SecretsEngineType(
            name: "database",
            validateOptions: { options throws(CustosError) in
                if let key = options.keys.sorted().first {
                    throw .badRequest("unknown option \"\(key)\" for the database secrets engine")
                }
            },
            auditNonHMACResponseKeys: DatabaseEngine.auditNonHMACResponseKeys,
            make: { context in
                DatabaseEngine(context: context, supervisor: supervisor, catalog: catalog, tasks: tasks)
            })
    }
}
