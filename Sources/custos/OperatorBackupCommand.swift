import ArgumentParser
import CustosCore
import CustosServer

/// `custos operator backup`: an online backup of the SQLite storage file with SQLite's backup
/// API, taken on the server's machine while the server runs (see docs/operations.md).
struct OperatorBackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the SQLite storage file consistently, while the server runs.",
        discussion: """
            Reads the storage path from the server's config file (-config) or takes it directly \
            (-storage-path), and writes a consistent copy to FILE (mode 0600). The copy is \
            encrypted like the original and opens with the same unseal keys. Run it as a user \
            that may read the storage file. No token is needed: nothing goes through the API.
            """
    )

    @Option(name: [.customLong("config", withSingleDash: true), .customLong("config")],
            help: "The server's config file; its storage \"sqlite\" path is backed up.")
    var config: String?

    @Option(name: [.customLong("storage-path", withSingleDash: true), .customLong("storage-path")],
            help: "The SQLite storage file to back up (instead of -config).")
    var storagePath: String?

    @Argument(help: "Where to write the copy.")
    var file: String

    func run() async throws {
        let source: String
        switch (config, storagePath) {
        case (let config?, nil):
            let configuration: ServerConfiguration
            do {
                configuration = try ConfigFileParser.load(path: config)
            } catch {
                throw CommandFailure.local("Error loading configuration: \(error.description)")
            }
            guard case .sqlite(let path) = configuration.storage else {
                throw CommandFailure.local("Error backing up: the storage is not \"sqlite\"; only a SQLite file can be backed up")
            }
            source = path
        case (nil, let path?):
            source = path
        default:
            throw CommandFailure.usage("custos operator backup needs -config FILE or -storage-path PATH (one of them)")
        }
        let bytes: Int
        do {
            bytes = try SQLiteBackup.copy(from: source, to: file)
        } catch {
            throw CommandFailure.local("Error backing up: \(error.message)")
        }
        print("Success! Backed up \(source) to \(file) (\(bytes) bytes).")
    }
}
