/// `-format=table|json`, as in Vault (also from `CUSTOS_FORMAT`/`VAULT_FORMAT`).
enum OutputFormat: String, Sendable {
    case table
    case json

    static func parse(_ text: String?, environment: [String: String]) throws -> OutputFormat {
        let chosen = text ?? environment["CUSTOS_FORMAT"] ?? environment["VAULT_FORMAT"] ?? "table"
        guard let format = OutputFormat(rawValue: chosen.lowercased()) else {
            throw CommandFailure.usage("Invalid output format: \(chosen)")
        }
        return format
    }
}
