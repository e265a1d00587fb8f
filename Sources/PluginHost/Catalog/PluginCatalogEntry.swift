/// One plugin the server may run: what `sys/plugins/catalog/database/<name>` stores.
package struct PluginCatalogEntry: Codable, Sendable, Equatable {
    package var name: String
    /// Only `"database"` exists today; kept so the catalog can grow other plugin types.
    package var type: String
    /// File name inside the plugin directory (builtins: the absolute path given at start-up).
    package var command: String
    package var args: [String]
    /// `K=V` pairs added to the plugin's environment.
    package var env: [String]
    /// Lower-case hex SHA-256 of the binary; checked before every launch.
    package var sha256: String
    package var version: String
    package var builtin: Bool

    package init(
        name: String, type: String = PluginCatalogEntry.databaseType, command: String, args: [String] = [],
        env: [String] = [], sha256: String, version: String = "", builtin: Bool = false
    ) {
        self.name = name
        self.type = type
        self.command = command
        self.args = args
        self.env = env
        self.sha256 = sha256
        self.version = version
        self.builtin = builtin
    }

    package static let databaseType = "database"
}

/// What the supervisor needs to start one plugin process, after the catalog checked everything.
package struct PluginLaunchSpec: Sendable {
    package var name: String
    /// Absolute, symlink-resolved path of the catalogued binary: the process's argv[0].
    package var commandPath: String
    /// The private copy that was verified and is executed; the supervisor removes it once the
    /// process has exited.
    package var executable: VerifiedExecutable
    package var args: [String]
    package var env: [String]

    package init(
        name: String, commandPath: String, executable: VerifiedExecutable, args: [String] = [], env: [String] = []
    ) {
        self.name = name
        self.commandPath = commandPath
        self.executable = executable
        self.args = args
        self.env = env
    }
}

/// Where the supervisor gets a verified launch spec from (the catalog; a fixed spec in tests).
package protocol PluginLaunchSpecProvider: Sendable {
    /// Resolves and verifies (checksum included, on the copy that will run) the plugin `name`;
    /// called before every launch.
    func launchSpec(for name: String) async throws -> PluginLaunchSpec
}
