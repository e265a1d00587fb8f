import ArgumentParser

struct DeleteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Delete secrets and configuration."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The path to delete, e.g. secret/foo.")
    var path: String

    func run() async throws {
        let path = CLIPath.sanitized(self.path)
        try await global.withClient { client, output in
            do {
                try await client.delete(path)
            } catch {
                throw CommandFailure.request("Error deleting \(path)", error)
            }
            output.success("Success! Data deleted (if it existed) at: \(path)")
        }
    }
}
