import ArgumentParser

struct WriteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "write",
        abstract: "Write data, configuration, and secrets.",
        discussion: "Data is given as K=V pairs; V=@FILE reads a file, V=- reads stdin, a lone - reads a JSON object from stdin."
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var fieldOption: FieldOption

    @Flag(name: [.customLong("force", withSingleDash: true), .customLong("force"), .customShort("f")],
          help: "Allow writing with no data.")
    var force = false

    @Argument(help: "The path to write, e.g. secret/foo.")
    var path: String

    @Argument(help: "K=V data.")
    var data: [String] = []

    func run() async throws {
        let path = CLIPath.sanitized(self.path)
        guard !data.isEmpty || force else {
            throw CommandFailure.usage("Must supply data or use -force")
        }
        let body = try KeyValueArguments.parse(data)
        try await global.withClient { client, output in
            let secret: SecretResponse?
            do {
                secret = try await client.writeSecret(path, data: body)
            } catch {
                throw CommandFailure.request("Error writing data to \(path)", error)
            }
            if let field = fieldOption.field, let secret {
                try output.field(field, of: secret)
                return
            }
            // An answer with nothing to show (no body, or an empty envelope) is a plain success.
            guard let secret, output.format == .json || secret.hasContentForTable else {
                output.success("Success! Data written to: \(path)")
                return
            }
            output.secret(secret)
        }
    }
}
