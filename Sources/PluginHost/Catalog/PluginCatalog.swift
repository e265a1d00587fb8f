import Foundation

/// The plugin catalog: registered plugins (persisted through `PluginCatalogStorage`) plus the
/// builtin plugins shipped next to the `custos` binary (kept in memory, checksummed at start-up).
package actor PluginCatalog: PluginLaunchSpecProvider {
    /// A builtin plugin as given at start-up.
    package struct Builtin: Sendable {
        package var name: String
        package var path: String
        package var version: String

        package init(name: String, path: String, version: String = "builtin") {
            self.name = name
            self.path = path
            self.version = version
        }
    }

    private let storage: any PluginCatalogStorage
    private let resolver: PluginCommandResolver
    private var builtins: [String: PluginCatalogEntry]
    private let storagePrefix = "database/"

    /// Computes the builtins' checksums now: the file as it is at start-up is the trusted one.
    package init(storage: any PluginCatalogStorage, pluginDirectory: String?, builtins: [Builtin] = []) throws {
        self.storage = storage
        self.resolver = PluginCommandResolver(pluginDirectory: pluginDirectory)
        var entries: [String: PluginCatalogEntry] = [:]
        for builtin in builtins {
            try Self.validateName(builtin.name)
            guard builtin.path.hasPrefix("/") else {
                throw PluginHostError(.invalidEntry, plugin: builtin.name, "a builtin plugin needs an absolute path")
            }
            try PluginCommandResolver.checkExecutableFile(builtin.path, command: builtin.path, plugin: builtin.name)
            entries[builtin.name] = PluginCatalogEntry(
                name: builtin.name, command: builtin.path,
                sha256: try FileChecksum.sha256Hex(ofFileAt: builtin.path), version: builtin.version,
                builtin: true)
        }
        self.builtins = entries
    }

    /// Registers (or replaces) an external plugin. The command must already resolve to an
    /// executable inside the plugin directory; the checksum is verified at launch, not here, so
    /// an admin can register before copying the binary's final build.
    package func register(_ entry: PluginCatalogEntry) async throws {
        try Self.validateName(entry.name)
        guard builtins[entry.name] == nil else {
            throw PluginHostError(
                .builtinImmutable, plugin: entry.name, "a builtin plugin of this name exists and cannot be replaced")
        }
        guard entry.type == PluginCatalogEntry.databaseType else {
            throw PluginHostError(.invalidEntry, plugin: entry.name, "type must be \"database\"")
        }
        guard FileChecksum.isValidHex(entry.sha256) else {
            throw PluginHostError(.invalidEntry, plugin: entry.name, "sha256 must be 64 hexadecimal digits")
        }
        for pair in entry.env where !pair.contains("=") || pair.hasPrefix("=") {
            throw PluginHostError(.invalidEntry, plugin: entry.name, "env entries must have the form K=V")
        }
        _ = try resolver.resolve(entry.command, plugin: entry.name)
        var stored = entry
        stored.sha256 = entry.sha256.lowercased()
        stored.builtin = false
        let data: Data
        do {
            data = try JSONEncoder().encode(stored)
        } catch {
            throw PluginHostError(.storage, plugin: entry.name, "cannot encode the catalog entry")
        }
        do {
            try await storage.put(storagePrefix + entry.name, data)
        } catch {
            throw PluginHostError(.storage, plugin: entry.name, "cannot store the catalog entry")
        }
    }

    package func get(_ name: String) async throws -> PluginCatalogEntry? {
        if let builtin = builtins[name] { return builtin }
        let data: Data?
        do {
            data = try await storage.get(storagePrefix + name)
        } catch {
            throw PluginHostError(.storage, plugin: name, "cannot read the catalog entry")
        }
        guard let data else { return nil }
        do {
            return try JSONDecoder().decode(PluginCatalogEntry.self, from: data)
        } catch {
            throw PluginHostError(.storage, plugin: name, "the stored catalog entry is corrupt")
        }
    }

    /// Builtins and registered plugins, sorted by name.
    package func list() async throws -> [PluginCatalogEntry] {
        let names: [String]
        do {
            names = try await storage.list(prefix: storagePrefix)
        } catch {
            throw PluginHostError(.storage, "cannot list the plugin catalog")
        }
        var entries = Array(builtins.values)
        for name in names where builtins[name] == nil {
            if let entry = try await get(name) { entries.append(entry) }
        }
        return entries.sorted { $0.name < $1.name }
    }

    /// Removes a registered plugin; removing one that does not exist is not an error (as in Vault).
    package func deregister(_ name: String) async throws {
        guard builtins[name] == nil else {
            throw PluginHostError(.builtinImmutable, plugin: name, "builtin plugins cannot be deregistered")
        }
        do {
            try await storage.delete(storagePrefix + name)
        } catch {
            throw PluginHostError(.storage, plugin: name, "cannot delete the catalog entry")
        }
    }

    /// Resolves the command and makes the verified copy that will run (checksum checked on exactly
    /// the bytes copied); run before every launch.
    package func launchSpec(for name: String) async throws -> PluginLaunchSpec {
        guard let entry = try await get(name) else {
            throw PluginHostError(.notFound, plugin: name, "no such plugin in the catalog")
        }
        let path: String
        if entry.builtin {
            try PluginCommandResolver.checkExecutableFile(entry.command, command: entry.command, plugin: name)
            path = PluginCommandResolver.realPath(entry.command) ?? entry.command
        } else {
            path = try resolver.resolve(entry.command, plugin: name)
        }
        let executable = try VerifiedExecutable.copy(of: path, expectedSHA256: entry.sha256, plugin: name)
        return PluginLaunchSpec(
            name: name, commandPath: path, executable: executable, args: entry.args, env: entry.env)
    }

    static func validateName(_ name: String) throws(PluginHostError) {
        let allowed = name.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2D || byte == 0x5F || byte == 0x2E
        }
        guard !name.isEmpty, name.utf8.count <= 128, allowed, name != ".", name != ".." else {
            throw PluginHostError(
                .invalidName, "plugin names are 1-128 characters of letters, digits, '-', '_' and '.'")
        }
    }
}
