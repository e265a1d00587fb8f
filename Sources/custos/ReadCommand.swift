import ArgumentParser

struct ReadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "read",
        abstract: "Read data and retrieve secrets."
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var fieldOption: FieldOption

    @Argument(help: "The path to read, e.g. secret/foo.")
    var path: String

    func run() async throws {
        let path = CLIPath.sanitized(self.path)
        try await global.withClient { client, output in
            let secret: SecretResponse?
            do {
                secret = try await client.readSecret(path)
            } catch {
                throw CommandFailure.request("Error reading \(path)", error)
            }
            guard let secret else {
                throw CommandFailure(kind: .api, message: "No value found at \(path)")
            }
            if let field = fieldOption.field {
                try output.field(field, of: secret)
            } else {
                output.secret(secret)
            }
        }
    }
}
