import ArgumentParser
import NIOHTTP1

struct SecretsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "secrets",
        abstract: "Interact with secrets engines: enable, disable, list, tune.",
        subcommands: [SecretsEnableCommand.self, SecretsDisableCommand.self, SecretsListCommand.self, SecretsTuneCommand.self]
    )
}

/// The TTL and description flags `enable` and `tune` share.
struct MountSettingsOptions: ParsableArguments {
    @Option(name: [.customLong("description", withSingleDash: true), .customLong("description")],
            help: "Human-friendly description of the mount.")
    var description: String?

    @Option(name: [.customLong("default-lease-ttl", withSingleDash: true), .customLong("default-lease-ttl")],
            help: "Default lease TTL (e.g. 1h, 90m, 3600).")
    var defaultLeaseTTL: String?

    @Option(name: [.customLong("max-lease-ttl", withSingleDash: true), .customLong("max-lease-ttl")],
            help: "Maximum lease TTL (e.g. 768h).")
    var maxLeaseTTL: String?

    func validate() throws {
        for (value, flag) in [(defaultLeaseTTL, "default-lease-ttl"), (maxLeaseTTL, "max-lease-ttl")] {
            if let value, DurationFormat.parseSeconds(value) == nil {
                throw ValidationError("Invalid value \"\(value)\" for -\(flag): expected a duration like 1h, 90m or 3600")
            }
        }
    }
}

/// What `secrets enable` and `mount` take besides the mount settings.
struct EnableArguments: ParsableArguments {
    @Option(name: [.customLong("path", withSingleDash: true), .customLong("path")],
            help: "Where to mount the engine (default: its type).")
    var path: String?

    @Argument(help: "The engine type, e.g. kv, database or postgresql.")
    var type: String
}

/// `custos mount TYPE`: the pre-0.9 verb Vault's oldest guides use, an alias of `secrets enable`.
struct MountCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mount", abstract: "Enable a secrets engine (the old verb; same as secrets enable).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var settings: MountSettingsOptions
    @OptionGroup var arguments: EnableArguments

    func run() async throws {
        try await SecretsEnableCommand.enable(arguments, settings: settings, global: global)
    }
}

struct SecretsEnableCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "enable", abstract: "Enable a secrets engine.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var settings: MountSettingsOptions
    @OptionGroup var arguments: EnableArguments

    func run() async throws {
        try await Self.enable(arguments, settings: settings, global: global)
    }

    static func enable(_ arguments: EnableArguments, settings: MountSettingsOptions, global: GlobalOptions) async throws {
        let type = arguments.type
        let mount = CLIPath.mount(arguments.path ?? type)
        let request = EnableMountRequest(
            type: type,
            description: settings.description ?? "",
            config: .init(defaultLeaseTTL: settings.defaultLeaseTTL, maxLeaseTTL: settings.maxLeaseTTL))
        try await global.withClient { client, output in
            do {
                _ = try await client.send(.POST, "sys/mounts/\(CLIPath.sanitized(mount))", body: request)
            } catch {
                throw CommandFailure.request("Error enabling", error)
            }
            output.success("Success! Enabled the \(type) secrets engine at: \(mount)")
        }
    }
}

struct SecretsDisableCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disable",
        abstract: "Disable a secrets engine; revokes its leases and deletes its data."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The mount path, e.g. kv/.")
    var path: String

    func run() async throws {
        let mount = CLIPath.mount(path)
        try await global.withClient { client, output in
            do {
                _ = try await client.send(.DELETE, "sys/mounts/\(CLIPath.sanitized(mount))")
            } catch {
                throw CommandFailure.request("Error disabling secrets engine at \(mount)", error)
            }
            output.success("Success! Disabled the secrets engine (if it existed) at: \(mount)")
        }
    }
}

struct SecretsTuneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tune", abstract: "Tune a secrets engine's settings.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var settings: MountSettingsOptions

    @Argument(help: "The mount path, e.g. kv/.")
    var path: String

    func run() async throws {
        let mount = CLIPath.mount(path)
        let request = TuneMountRequest(
            defaultLeaseTTL: settings.defaultLeaseTTL, maxLeaseTTL: settings.maxLeaseTTL,
            description: settings.description)
        try await global.withClient { client, output in
            do {
                _ = try await client.send(.POST, "sys/mounts/\(CLIPath.sanitized(mount))/tune", body: request)
            } catch {
                throw CommandFailure.request("Error tuning secrets engine \(mount)", error)
            }
            output.success("Success! Tuned the secrets engine at: \(mount)")
        }
    }
}
