import ArgumentParser
import CustosCore
import CustosServer
import DatabaseEngine
import Foundation
import Logging

/// `custos server`: runs the server from a config file, or `-dev` with nothing to set up.
struct ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server",
        abstract: "Run the Custos server.",
        discussion: """
            With -dev the server stores its data in a temporary SQLite file, initialises and \
            unseals itself, mounts KV at secret/ and prints the root token. Never use -dev in \
            production: the unseal key is printed and the data is lost at exit.
            """
    )

    @Option(name: [.customLong("config", withSingleDash: true), .customLong("config")], help: "Path to an HCL or JSON config file.")
    var config: String?

    @Flag(name: [.customLong("dev", withSingleDash: true), .customLong("dev")], help: "Run an in-process dev server.")
    var dev = false

    @Option(name: [.customLong("dev-listen-address", withSingleDash: true), .customLong("dev-listen-address")], help: "Dev mode listen address.")
    var devListenAddress = "127.0.0.1:8200"

    @Option(name: [.customLong("dev-root-token-id", withSingleDash: true), .customLong("dev-root-token-id")], help: "Dev mode root token.")
    var devRootTokenID: String?

    @Option(name: [.customLong("dev-plugin-dir", withSingleDash: true), .customLong("dev-plugin-dir")], help: "Dev mode plugin directory.")
    var devPluginDir: String?

    @Option(name: [.customLong("dev-database-url", withSingleDash: true), .customLong("dev-database-url")],
            help: "Dev mode: configure database/ against this PostgreSQL (postgresql://user:password@host:port/db) with a readonly role.")
    var devDatabaseURL: String?

    @Option(name: [.customLong("log-level", withSingleDash: true), .customLong("log-level")], help: "trace, debug, info, warn or error.")
    var logLevel: String?

    @Option(name: [.customLong("log-format", withSingleDash: true), .customLong("log-format")], help: "standard or json.")
    var logFormat: String?

    func run() async throws {
        guard dev || config != nil else {
            throw CommandFailure.usage("custos server needs -config FILE or -dev")
        }
        guard dev || devDatabaseURL == nil else {
            throw CommandFailure.usage("-dev-database-url needs -dev")
        }
        FreedMemoryWipe.ensure()
        RequestExecutor.install()
        var configuration: ServerConfiguration
        var devDirectory: URL?
        if dev {
            guard let (host, port) = ServerConfiguration.parseAddress(devListenAddress) else {
                throw CommandFailure.usage("invalid -dev-listen-address \"\(devListenAddress)\": use host:port")
            }
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("custos-dev-\(UUID().uuidString.lowercased())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            devDirectory = directory
            configuration = .dev(
                storage: .sqlite(path: directory.appendingPathComponent("custos.db").path),
                host: host, port: port, pluginDirectory: devPluginDir)
        } else {
            do {
                configuration = try ConfigFileParser.load(path: config!)
            } catch {
                throw CommandFailure.local("Error loading configuration: \(error.description)")
            }
        }
        if let devPluginDir { configuration.pluginDirectory = devPluginDir }

        let levelName = logLevel ?? configuration.logLevel ?? "info"
        guard let level = Logger.Level(vaultName: levelName) else {
            throw CommandFailure.usage("unknown log level: \(levelName)")
        }
        let formatName = logFormat ?? configuration.logFormat?.rawValue ?? "standard"
        guard let format = ServerConfiguration.LogFormat(rawValue: formatName.lowercased()) else {
            throw CommandFailure.usage("unknown log format: \(formatName)")
        }
        LoggingSystem.bootstrap { label in
            switch format {
            case .standard:
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            case .json:
                var handler = JSONLogHandler(label: label)
                handler.logLevel = level
                return handler
            }
        }
        let logger = Logger(label: "custos")
        defer {
            if let devDirectory { try? FileManager.default.removeItem(at: devDirectory) }
        }

        let settled = configuration
        let plugins = PluginServices.Options(
            pluginDirectory: configuration.pluginDirectory,
            registerPluginDirectory: dev && devPluginDir != nil,
            builtinDirectory: Self.executableDirectory
        )
        let runner = ServerRunner(
            configuration: configuration,
            engineTypes: BuiltinEngines.enabled,
            dev: dev ? .init(rootTokenID: devRootTokenID, databaseURL: devDatabaseURL) : nil,
            logger: logger,
            extensions: [{ core in try await PluginServices.install(into: core, options: plugins, logger: logger) }]
        )
        do {
            try await runner.run { ready in
                Self.printBanner(ready, configuration: settled, dev: dev, database: devDatabaseURL != nil)
            }
        } catch let error as HTTPListener.TLSSetupError {
            throw CommandFailure.local("Error starting the listener: \(error.description)")
        } catch let error as CommandFailure {
            throw error
        } catch {
            throw CommandFailure.local("Error running the server: \(error)")
        }
    }

    /// Where built-in plugins live: next to this executable.
    static var executableDirectory: String? {
        guard let path = Bundle.main.executablePath ?? CommandLine.arguments.first else { return nil }
        return URL(fileURLWithPath: path).resolvingSymlinksInPath().deletingLastPathComponent().path
    }

    static func printBanner(_ ready: ServerRunner.Ready, configuration: ServerConfiguration, dev: Bool, database: Bool = false) {
        var lines = ["==> Custos server configuration:", ""]
        lines.append("             Listeners: \(ready.addresses.joined(separator: ", "))")
        switch configuration.storage {
        case .sqlite(let path): lines.append("               Storage: sqlite (\(path))")
        case .inMemory: lines.append("               Storage: inmem")
        }
        lines.append("               Version: Custos v\(CustosVersion.string)")
        lines.append("")
        if dev, let address = ready.addresses.first, let token = ready.rootToken, let key = ready.unsealKey {
            lines += [
                "WARNING! dev mode is enabled! In this mode, Custos runs entirely from a temporary",
                "directory, is already initialized and unsealed, and starts with one unseal key.",
                "Never use it in production.",
                "",
                "You may need to set the following environment variables:",
                "",
                "    $ export CUSTOS_ADDR='\(address)'",
                "    $ export VAULT_ADDR='\(address)'",
                "    $ export BAO_ADDR='\(address)'",
                "",
                "The unseal key and root token are displayed below in case you want to",
                "seal/unseal the server or re-authenticate.",
                "",
                "Unseal Key: \(key)",
                "Root Token: \(token)",
                "",
                "Development mode should NOT be used in production installations!",
                "",
            ]
            if database {
                lines += [
                    "database/ is configured against -dev-database-url with a readonly role:",
                    "",
                    "    $ custos read database/creds/readonly",
                    "",
                ]
            }
        }
        lines.append("==> Custos server started! Log data will stream in below:")
        print(lines.joined(separator: "\n"))
        // stdout is block-buffered when it is a pipe; whoever waits for the banner must see it now.
        fflush(nil)
    }
}

extension Logger.Level {
    /// Vault's level names (`warn`) next to swift-log's.
    init?(vaultName: String) {
        switch vaultName.lowercased() {
        case "trace": self = .trace
        case "debug": self = .debug
        case "info": self = .info
        case "notice": self = .notice
        case "warn", "warning": self = .warning
        case "error": self = .error
        case "critical": self = .critical
        default: return nil
        }
    }
}
