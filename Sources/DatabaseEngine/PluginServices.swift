package import CustosCore
import Foundation
package import Logging
import NIOPosix
import PluginHost
package import ServiceLifecycle

/// Assembles the plugin catalog and the process supervisor for a server and installs the
/// catalog's `sys/` paths into the core.
package enum PluginServices {
    /// Plugins built with Custos, looked for next to the `custos` executable.
    package static let builtinPluginNames = ["postgresql-database-plugin"]

    package struct Options: Sendable {
        package var pluginDirectory: String?
        /// Dev mode: register every executable in the plugin directory (Vault's `-dev-plugin-dir`).
        package var registerPluginDirectory: Bool
        package var builtinDirectory: String?

        package init(pluginDirectory: String?, registerPluginDirectory: Bool = false, builtinDirectory: String?) {
            self.pluginDirectory = pluginDirectory
            self.registerPluginDirectory = registerPluginDirectory
            self.builtinDirectory = builtinDirectory
        }
    }

    /// Installs the catalog paths and engine kinds; returns the services to run in the server's
    /// group, in start order (shut down in reverse): the plugin processes, then the plugin side's
    /// background work (static rotations, plugin launches), so plugins outlive what calls them.
    package static func install(into core: Core, options: Options, logger: Logger) async throws -> [any Service] {
        var builtins: [PluginCatalog.Builtin] = []
        if let directory = options.builtinDirectory {
            for name in builtinPluginNames {
                let path = URL(fileURLWithPath: directory).appendingPathComponent(name).path
                if FileManager.default.isExecutableFile(atPath: path) {
                    builtins.append(.init(name: name, path: path, version: "v\(CustosVersion.string)+builtin"))
                }
            }
        }
        // Plugin copies a crashed server left under $TMPDIR (each holds a plugin binary).
        let stale = VerifiedExecutable.removeStale()
        if stale > 0 { logger.info("removed plugin copies left by a server that stopped uncleanly", metadata: ["directories": "\(stale)"]) }
        let storage = CatalogStorageAdapter(storage: core.storage(prefix: "core/plugin-catalog/"))
        let catalog = try PluginCatalog(storage: storage, pluginDirectory: options.pluginDirectory, builtins: builtins)
        // Plugins hold database credentials: none runs while the core is sealed. Sealing stops them
        // all; after unsealing, each starts again on its next use.
        var configuration = PluginSupervisorConfiguration()
        configuration.metricsFactory = core.metrics.factory
        // The plugin side's background work: the engines' static rotations and plugin launches.
        let tasks = BackgroundTaskHost()
        let supervisor = PluginSupervisor(
            launchSpecs: catalog,
            configuration: configuration,
            eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
            logger: Logger(label: "custos.plugins"),
            isPaused: { [weak core] in core?.isSealed ?? true },
            runInBackground: tasks.submitter
        )
        core.observeSeal {
            await supervisor.stopAll()
            supervisor.connectionConfigs.removeAll()
        }
        core.install(PluginCatalogPaths(catalog: catalog, supervisor: supervisor))
        // The `database` engine kind, built with this supervisor and catalog.
        core.register(DatabaseEngineType.make(supervisor: supervisor, catalog: catalog, tasks: tasks))
        core.register(LegacyPostgreSQLEngineType.make(supervisor: supervisor))
        if options.registerPluginDirectory, let directory = options.pluginDirectory {
            try await registerAll(in: directory, catalog: catalog, core: core, logger: logger)
        }
        return [PluginSupervisorService(supervisor: supervisor), tasks]
    }

    /// Dev mode: every executable file in the plugin directory becomes a catalog entry named after it.
    private static func registerAll(in directory: String, catalog: PluginCatalog, core: Core, logger: Logger) async throws {
        let builtinNames = Set(try await catalog.list().filter(\.builtin).map(\.name))
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for file in files.sorted() where !builtinNames.contains(file) {
            let path = URL(fileURLWithPath: directory).appendingPathComponent(file).path
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
                  FileManager.default.isExecutableFile(atPath: path),
                  let sha = try? FileChecksum.sha256Hex(ofFileAt: path) else { continue }
            do {
                try await catalog.register(PluginCatalogEntry(name: file, command: file, sha256: sha, version: ""))
                logger.info("registered dev plugin", metadata: ["plugin": "\(file)"])
            } catch {
                logger.warning("could not register dev plugin", metadata: ["plugin": "\(file)", "error": "\(error)"])
            }
        }
    }
}
