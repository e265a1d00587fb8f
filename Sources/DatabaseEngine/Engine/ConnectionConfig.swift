import CustosCore
import CustosJSON
import Foundation

/// A `config/<name>` connection as stored (barrier-encrypted, in the engine's storage view).
/// `details` is what the plugin's `Initialize` returned: the plugin's own fields, secrets included.
struct ConnectionConfig: Codable, Sendable, Equatable {
    var pluginName: String
    var pluginVersion: String = ""
    var verifyConnection: Bool = true
    var allowedRoles: [String] = []
    var rootRotationStatements: [String] = []
    var passwordPolicy: String = ""
    var usernameTemplate: String = ""
    var disableEscaping: Bool = false
    var details: [String: JSONValue] = [:]

    static func storageKey(_ name: String) -> String { "config/" + name }

    /// Vault's `allowed_roles`: `*` allows all, otherwise glob patterns (`*` wildcards) or names.
    func allows(role: String) -> Bool {
        allowedRoles.contains { pattern in Self.glob(pattern, matches: role) }
    }

    /// `*` matches any run of characters; everything else is literal.
    static func glob(_ pattern: String, matches text: String) -> Bool {
        let parts = pattern.split(separator: "*", omittingEmptySubsequences: false)
        guard parts.count > 1 else { return pattern == text }
        var rest = Substring(text)
        guard rest.hasPrefix(parts[0]) else { return false }
        rest = rest.dropFirst(parts[0].count)
        for (index, part) in parts.enumerated().dropFirst() {
            if index == parts.count - 1 { return part.isEmpty || rest.hasSuffix(part) }
            guard !part.isEmpty else { continue }
            guard let range = rest.range(of: part) else { return false }
            rest = rest[range.upperBound...]
        }
        return true
    }

    /// The details as `config/<name>` shows them: never a password, and a password written into
    /// `connection_url` is masked (Vault's advice is a templated URL anyway).
    var redactedDetails: [String: JSONValue] {
        var shown = details
        for secret in Self.secretDetailKeys { shown[secret] = nil }
        if case .string(let url)? = shown["connection_url"] {
            shown["connection_url"] = .string(ConnectionURLSecrets.masked(url))
        }
        return shown
    }

    static let secretDetailKeys = ["password", "private_key", "service_account_json", "tls_certificate_key"]

    /// A password in `connection_url` itself (not `{{password}}`): root rotation cannot replace it.
    var hasLiteralPasswordInURL: Bool {
        guard case .string(let url)? = details["connection_url"] else { return false }
        return ConnectionURLSecrets.masked(url) != url
    }
}

/// Finds a literal password in a connection URL (`scheme://user:secret@host`, or a
/// `password=secret` key-value pair) so it can be masked when shown.
enum ConnectionURLSecrets {
    static let mask = "*****"

    static func masked(_ url: String) -> String {
        var result = url
        if let scheme = result.range(of: "://") {
            let authorityStart = scheme.upperBound
            let authorityEnd = result[authorityStart...].firstIndex { $0 == "/" || $0 == "?" } ?? result.endIndex
            let authority = result[authorityStart..<authorityEnd]
            if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
                let secret = result.index(after: colon)..<at
                if result[secret] != "{{password}}" && !result[secret].isEmpty {
                    result.replaceSubrange(secret, with: mask)
                }
            }
        }
        // key=value forms (`password=...` in a DSN or a query string).
        var output = ""
        var rest = Substring(result)
        while let range = rest.range(of: "password=", options: .caseInsensitive) {
            output += rest[..<range.upperBound]
            rest = rest[range.upperBound...]
            let end = rest.firstIndex { $0 == " " || $0 == "&" } ?? rest.endIndex
            let value = rest[..<end]
            output += value == "{{password}}" || value.isEmpty ? String(value) : mask
            rest = rest[end...]
        }
        return output + rest
    }
}
