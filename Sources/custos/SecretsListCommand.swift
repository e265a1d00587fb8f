import ArgumentParser
import CustosJSON
import VaultAPI

struct SecretsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List enabled secrets engines.")

    @OptionGroup var global: GlobalOptions

    @Flag(name: [.customLong("detailed", withSingleDash: true), .customLong("detailed")],
          help: "Show TTLs, options, replication and more.")
    var detailed = false

    func run() async throws {
        try await global.withClient { client, output in
            let mounts: (entries: [String: MountInfo], raw: [String: JSONValue])
            do {
                mounts = try await client.mounts()
            } catch {
                throw CommandFailure.request("Error listing secrets engines", error)
            }
            switch output.format {
            case .json:
                output.json(.object(mounts.raw), keyOrder: MountInfo.jsonKeyOrder)
            case .table:
                let paths = mounts.entries.keys.sorted()
                output.line(detailed
                    ? detailedTable(paths.map { ($0, mounts.entries[$0]!) })
                    : TableRendering.withHeader(
                        ["Path", "Type", "Accessor", "Description"],
                        paths.map { path in
                            let mount = mounts.entries[path]!
                            return [path, mount.type, mount.accessor ?? "", mount.description ?? ""]
                        }))
            }
        }
    }

    /// Columns of `vault secrets list -detailed`.
    private func detailedTable(_ mounts: [(String, MountInfo)]) -> String {
        // Vault shows raw seconds, "system" for 0 (inherit), nothing for built-in mounts.
        func ttl(_ mount: MountInfo, _ seconds: Int64?) -> String {
            if ["system", "cubbyhole"].contains(mount.type) { return "" }
            guard let seconds, seconds != 0 else { return "system" }
            return String(seconds)
        }
        let header = [
            "Path", "Plugin", "Accessor", "Default TTL", "Max TTL", "Force No Cache", "Replication",
            "Seal Wrap", "External Entropy Access", "Options", "Description", "UUID", "Version",
            "Running Version", "Running SHA256", "Deprecation Status",
        ]
        let rows = mounts.map { path, mount -> [String] in
            let options = (mount.options ?? [:]).keys.sorted().map { "\($0):\(mount.options![$0]!)" }
            return [
                path, mount.type, mount.accessor ?? "",
                ttl(mount, mount.config?.defaultLeaseTTL), ttl(mount, mount.config?.maxLeaseTTL),
                String(mount.config?.forceNoCache ?? false),
                (mount.local ?? false) ? "local" : "replicated",
                String(mount.sealWrap ?? false), String(mount.externalEntropyAccess ?? false),
                "map[" + options.joined(separator: " ") + "]",
                mount.description ?? "", mount.uuid ?? "", mount.pluginVersion ?? "",
                mount.runningPluginVersion ?? "", mount.runningSHA256 ?? "", mount.deprecationStatus ?? "",
            ]
        }
        return TableRendering.withHeader(header, rows)
    }
}
