import ArgumentParser
import CustosJSON
import VaultAPI

/// `custos auth list`: the auth methods, as `vault auth list` prints them. Custos authenticates
/// with tokens only, so the list is the token store; the command is here because scripts and
/// people written for Vault run it.
struct AuthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "auth", abstract: "Inspect auth methods (Custos has the token store only).",
        subcommands: [AuthListCommand.self])
}

struct AuthListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List enabled auth methods.")

    @OptionGroup var global: GlobalOptions

    @Flag(name: [.customLong("detailed", withSingleDash: true), .customLong("detailed")],
          help: "Show TTLs, token type, replication and more.")
    var detailed = false

    func run() async throws {
        try await global.withClient { client, output in
            let methods: (entries: [String: MountInfo], raw: [String: JSONValue])
            do {
                methods = try await client.mounts(listedAt: "sys/auth")
            } catch {
                throw CommandFailure.request("Error listing enabled authentications", error)
            }
            switch output.format {
            case .json:
                output.json(.object(methods.raw), keyOrder: MountInfo.jsonKeyOrder)
            case .table:
                let rows = methods.entries.sorted { $0.key < $1.key }
                output.line(detailed ? detailedTable(rows) : TableRendering.withHeader(
                    ["Path", "Type", "Accessor", "Description", "Version"],
                    rows.map { path, method in
                        [path, method.type, method.accessor ?? "", method.description ?? "", Self.version(method.pluginVersion)]
                    }))
            }
        }
    }

    /// Vault prints "n/a" for a method without a pinned version.
    private static func version(_ text: String?) -> String {
        guard let text, !text.isEmpty else { return "n/a" }
        return text
    }

    /// Columns of `vault auth list -detailed`.
    private func detailedTable(_ methods: [(key: String, value: MountInfo)]) -> String {
        func ttl(_ seconds: Int64?) -> String {
            guard let seconds, seconds != 0 else { return "system" }
            return String(seconds)
        }
        let header = [
            "Path", "Plugin", "Accessor", "Default TTL", "Max TTL", "Token Type", "Replication", "Seal Wrap",
            "External Entropy Access", "Options", "Description", "UUID", "Version", "Running Version",
            "Running SHA256", "Deprecation Status",
        ]
        let rows = methods.map { path, method -> [String] in
            let options = (method.options ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }
            return [
                path, method.type, method.accessor ?? "", ttl(method.config?.defaultLeaseTTL), ttl(method.config?.maxLeaseTTL),
                method.config?.tokenType ?? "", (method.local ?? false) ? "local" : "replicated",
                String(method.sealWrap ?? false), String(method.externalEntropyAccess ?? false),
                "map[" + options.joined(separator: " ") + "]", method.description ?? "", method.uuid ?? "",
                Self.version(method.pluginVersion), Self.version(method.runningPluginVersion),
                Self.version(method.runningSHA256), Self.version(method.deprecationStatus),
            ]
        }
        return TableRendering.withHeader(header, rows)
    }
}
