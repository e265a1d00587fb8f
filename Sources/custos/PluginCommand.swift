import ArgumentParser
import CustosCore
import CustosJSON
import DatabasePluginProtocol
import Foundation
import Logging
import NIOHTTP1
import PluginHost
import VaultAPI

/// `custos plugin`: the plugin catalog (`sys/plugins/catalog`), reloads, and the local
/// conformance checker plugin authors run against their executable.
struct PluginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plugin",
        abstract: "Manage database plugins: register, list, info, deregister, reload, check.",
        subcommands: [
            PluginRegisterCommand.self, PluginListCommand.self, PluginInfoCommand.self,
            PluginDeregisterCommand.self, PluginReloadCommand.self, PluginCheckCommand.self,
        ]
    )

    /// Custos has one plugin type; Vault's CLI makes it an argument, so it is accepted and checked.
    static func checkType(_ type: String) throws {
        guard type == "database" else {
            throw CommandFailure.usage("Unsupported plugin type \"\(type)\": Custos has \"database\" plugins only")
        }
    }
}

struct PluginRegisterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "register",
        abstract: "Register a plugin binary from the plugin directory in the catalog."
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: [.customLong("sha256", withSingleDash: true), .customLong("sha256")], help: "SHA-256 of the plugin binary (hex).")
    var sha256: String

    @Option(name: [.customLong("command", withSingleDash: true), .customLong("command")], help: "Command inside the plugin directory (default: NAME).")
    var command: String?

    @Option(name: [.customLong("args", withSingleDash: true), .customLong("args")], help: "Argument to pass to the plugin (repeatable).")
    var args: [String] = []

    @Option(name: [.customLong("env", withSingleDash: true), .customLong("env")], help: "K=V environment variable for the plugin (repeatable).")
    var env: [String] = []

    @Option(name: [.customLong("version", withSingleDash: true), .customLong("version")], help: "Version of the plugin.")
    var version: String?

    @Argument(help: "Plugin type (database).") var type: String
    @Argument(help: "Plugin name.") var name: String

    struct Body: Encodable, Sendable {
        var sha256: String
        var command: String
        var args: [String]
        var env: [String]
        var version: String?
    }

    func run() async throws {
        try PluginCommand.checkType(type)
        let body = Body(sha256: sha256, command: command ?? name, args: args, env: env, version: version)
        try await global.withClient { client, output in
            do {
                _ = try await client.send(.PUT, "sys/plugins/catalog/database/\(CLIPath.sanitized(name))", body: body)
            } catch {
                throw CommandFailure.request("Error registering plugin \(name)", error)
            }
            output.success("Success! Registered plugin: \(name)")
        }
    }
}

struct PluginListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the plugins in the catalog.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Plugin type (database).") var type: String?

    struct Listing: Decodable, Sendable {
        var data: PluginCatalogListing
    }

    func run() async throws {
        if let type { try PluginCommand.checkType(type) }
        try await global.withClient { client, output in
            let listing: Listing
            do {
                listing = try await client.decode(Listing.self, .GET, "sys/plugins/catalog")
            } catch {
                throw CommandFailure.request("Error listing plugins", error)
            }
            let plugins = listing.data.detailed ?? []
            switch output.format {
            case .json:
                try output.json(encoding: plugins.map { ["name": $0.name, "type": $0.type, "version": $0.version ?? ""] })
            case .table:
                output.line(TableRendering.withHeader(["Name", "Type", "Version"], plugins.map { [$0.name, $0.type, ($0.version ?? "").isEmpty ? "n/a" : $0.version!] }))
            }
        }
    }
}

struct PluginInfoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "info", abstract: "Show a catalog entry.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var field: FieldOption
    @Argument(help: "Plugin type (database).") var type: String
    @Argument(help: "Plugin name.") var name: String

    func run() async throws {
        try PluginCommand.checkType(type)
        try await global.withClient { client, output in
            let secret: SecretResponse
            do {
                secret = try await client.decode(SecretResponse.self, .GET, "sys/plugins/catalog/database/\(CLIPath.sanitized(name))")
            } catch let error as APIResponseError where error.statusCode == 404 {
                throw CommandFailure(kind: .api, message: "Error reading plugin named \(name): no such plugin")
            } catch {
                throw CommandFailure.request("Error reading plugin named \(name)", error)
            }
            if let name = field.field { try output.field(name, of: secret) } else { output.secret(secret) }
        }
    }
}

struct PluginDeregisterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "deregister", abstract: "Remove a plugin from the catalog.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Plugin type (database).") var type: String
    @Argument(help: "Plugin name.") var name: String

    func run() async throws {
        try PluginCommand.checkType(type)
        try await global.withClient { client, output in
            do {
                _ = try await client.send(.DELETE, "sys/plugins/catalog/database/\(CLIPath.sanitized(name))")
            } catch {
                throw CommandFailure.request("Error deregistering plugin named \(name)", error)
            }
            output.success("Success! Deregistered plugin (if it was registered): \(name)")
        }
    }
}

struct PluginReloadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "reload", abstract: "Restart a plugin's process.")

    @OptionGroup var global: GlobalOptions
    @Option(name: [.customLong("plugin", withSingleDash: true), .customLong("plugin")], help: "Name of the plugin to reload.")
    var plugin: String

    struct Body: Encodable, Sendable { var plugin: String }

    func run() async throws {
        try await global.withClient { client, output in
            do {
                _ = try await client.send(.PUT, "sys/plugins/reload/backend", body: Body(plugin: plugin))
            } catch {
                throw CommandFailure.request("Error reloading plugin \(plugin)", error)
            }
            output.success("Success! Reloaded plugin: \(plugin)")
        }
    }
}

/// Runs the protocol conformance checks against a plugin executable, locally (no server needed).
struct PluginCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check that a plugin executable speaks the Custos plugin protocol.",
        discussion: """
            Runs the handshake, an unknown method, a malformed line, concurrent calls and the \
            stdin-close shutdown. With --config (the connection config as JSON) it also runs the \
            user life cycle: Initialize, NewUser, RenewUser, RevokeUser (twice), Close.
            """
    )

    @Option(name: [.customLong("config", withSingleDash: true), .customLong("config")], help: "Connection config as a JSON object.")
    var config: String?

    @Option(
        name: [.customLong("creation-statement", withSingleDash: true), .customLong("creation-statement")],
        help: "A creation statement for the life-cycle checks (repeatable), e.g. CREATE ROLE \"{{name}}\" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}'."
    )
    var creationStatements: [String] = []

    @Option(name: [.customLong("format", withSingleDash: true), .customLong("format")], help: "Output format: table or json.")
    var format: String?

    @Option(
        name: [.customLong("timeout", withSingleDash: true), .customLong("timeout")],
        help: "How long one call or the plugin's start-up may take (default 10s, at most 1h)."
    )
    var timeout: String?

    @Argument(help: "Path to the plugin executable.") var path: String

    func run() async throws {
        var callTimeout: Duration?
        if let timeout {
            guard let parsed = try? VaultDuration(parsing: timeout), parsed.seconds > 0, parsed.seconds <= 3600 else {
                throw CommandFailure.usage("--timeout must be a duration between 1s and 1h, e.g. 30s")
            }
            callTimeout = .seconds(parsed.seconds)
        }
        var pluginConfig: PluginConfig?
        if let config {
            guard let data = config.data(using: .utf8),
                  let parsed = try? JSONDecoder().decode([String: JSONValue].self, from: data) else {
                throw CommandFailure.usage("--config must be a JSON object")
            }
            pluginConfig = parsed
        }
        let executable = URL(fileURLWithPath: path).standardizedFileURL.path
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw CommandFailure.local("\(path) is not an executable file")
        }
        var logger = Logger(label: "custos.plugin-check")
        logger.logLevel = .error
        var checker = PluginConformanceChecker(executablePath: executable, config: pluginConfig, logger: logger)
        checker.creationStatements = creationStatements
        if let callTimeout { checker.callTimeout = callTimeout }
        let results = await checker.run()
        let failed = results.filter { !$0.passed }
        if format == "json" {
            let rows = results.map { ["name": $0.name, "passed": $0.passed ? "true" : "false", "detail": $0.detail] }
            let data = try JSONSerialization.data(withJSONObject: rows, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            for result in results {
                print("\(result.passed ? "PASS" : "FAIL")  \(result.name)\(result.detail.isEmpty ? "" : ": \(result.detail)")")
            }
            print("\(results.count - failed.count) passed, \(failed.count) failed")
            if creationStatements.isEmpty, failed.contains(where: { $0.name == "NewUser" }) {
                print("hint: SQL plugins need creation statements for NewUser: add --creation-statement \"CREATE ROLE ...\"")
            }
        }
        if !failed.isEmpty { throw CommandFailure(kind: .silent(1), message: "") }
    }
}
