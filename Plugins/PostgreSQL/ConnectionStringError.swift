/// libpq's parse errors quote the connection string or the token they stumbled on
/// (`invalid percent-encoded token: "SEC%zzRET"`, `... in URI: "postgresql://u:pw@[bad"`), which
/// may be (part of) a password. This keeps what is wrong and drops every quoted value.
enum ConnectionStringError {
    /// Quoted text libpq uses to name URI syntax, not values: safe to keep.
    private static let syntaxTokens: Set<Substring> = ["]", "=", ":", "/", "@", "?", "&"]
    private static let omitted = "<omitted>"

    static func withoutValues(_ message: String, connectionString: String) -> String {
        // The whole string first: it may contain quotes that would upset the pairing below.
        let text = connectionString.isEmpty ? message : message.replacing(connectionString, with: "")
        let parts = text.split(separator: "\"", omittingEmptySubsequences: false)
        var result = parts.enumerated().map { index, part -> String in
            // An unterminated quote counts as quoted too: its text is a value all the same.
            guard index % 2 == 1 else { return String(part) }
            return syntaxTokens.contains(part) ? "\"\(part)\"" : omitted
        }.joined()
        // "... in URI: <omitted>" says nothing more than "... in URI".
        for suffix in [": " + omitted, " " + omitted] where result.hasSuffix(suffix) {
            result.removeLast(suffix.count)
        }
        return result.isEmpty ? "the connection string does not parse" : result
    }
}
