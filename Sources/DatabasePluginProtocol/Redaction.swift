/// How message types print secrets: never. Passwords print as `<redacted>`; configs print only
/// their keys, because values such as `password` or a `connection_url` with credentials are
/// secrets that must not reach a log line through string interpolation or `dump`.
enum Redaction {
    static let placeholder = "<redacted>"

    static func configKeys(_ config: PluginConfig) -> String {
        "[" + config.keys.sorted().joined(separator: ", ") + "]"
    }

    static func count(_ statements: [String]) -> String {
        "\(statements.count) statement" + (statements.count == 1 ? "" : "s")
    }
}
