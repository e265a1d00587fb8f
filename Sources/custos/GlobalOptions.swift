import ArgumentParser
import Foundation

/// Flags every command takes. Vault spells them with one dash (`-address=...`); both forms parse.
struct GlobalOptions: ParsableArguments {
    @Option(
        name: [.customLong("address", withSingleDash: true), .customLong("address")],
        help: "Server address (default: $CUSTOS_ADDR, $VAULT_ADDR, then \(ClientSettings.defaultAddress))."
    )
    var address: String?

    @Option(
        name: [.customLong("format", withSingleDash: true), .customLong("format")],
        help: "Output format: table or json."
    )
    var format: String?

    func outputFormat() throws -> OutputFormat {
        try OutputFormat.parse(format, environment: ProcessInfo.processInfo.environment)
    }

    /// Resolves settings, opens the shared API client and hands both to a command body.
    /// `token` replaces the resolved one (for `login`, which checks a token before storing it).
    func withClient<T: Sendable>(
        token: String? = nil,
        _ body: (APIClient, Output) async throws -> T
    ) async throws -> T {
        let output = Output(format: try outputFormat())
        var settings = try ClientSettings.resolve(addressFlag: address)
        if let token { settings.token = token }
        return try await APIClient.with(settings) { client in
            try await body(client, output)
        }
    }
}

/// `-field=NAME` for commands that print a secret.
struct FieldOption: ParsableArguments {
    @Option(
        name: [.customLong("field", withSingleDash: true), .customLong("field")],
        help: "Print only this field, raw."
    )
    var field: String?
}

/// Paths as typed on the command line.
enum CLIPath {
    /// Vault trims leading and trailing slashes from paths given on the command line.
    static func sanitized(_ path: String) -> String {
        path.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
    }

    /// Mount paths are shown and addressed with one trailing slash (`kv/`).
    static func mount(_ path: String) -> String {
        sanitized(path) + "/"
    }
}
