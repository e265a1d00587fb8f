import ArgumentParser

struct ListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List data or secrets."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The path to list, e.g. secret/.")
    var path: String

    func run() async throws {
        let path = CLIPath.sanitized(self.path)
        try await global.withClient { client, output in
            let keys: [String]?
            do {
                keys = try await client.list(path)
            } catch {
                throw CommandFailure.request("Error listing \(path)", error)
            }
            guard let keys, !keys.isEmpty else {
                throw CommandFailure(kind: .api, message: "No value found at \(path)")
            }
            output.keys(keys)
        }
    }
}
