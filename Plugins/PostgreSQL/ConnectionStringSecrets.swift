import Foundation

/// Finds the passwords an admin wrote INTO a connection string (rather than in `password`), so
/// the redactor scrubs them from libpq's messages too: a URL's userinfo password and its
/// `password` query parameter (raw and percent-decoded), and key=value `password=...` (as
/// written and unquoted). Follows libpq's own parsing closely enough to find what it would use.
enum ConnectionStringSecrets {
    static func passwords(in connectionString: String) -> [String] {
        let found = ConnectionString.isURL(connectionString)
            ? urlPasswords(connectionString)
            : keyValuePasswords(connectionString)
        // The placeholder is not a secret, and redacting it would only confuse.
        return found.filter { !$0.isEmpty && $0 != "{{password}}" }
    }

    // MARK: URL

    private static func urlPasswords(_ url: String) -> [String] {
        guard let schemeEnd = url.range(of: "://") else { return [] }
        let rest = url[schemeEnd.upperBound...]
        var found: [String] = []
        // libpq: the userinfo ends at the first '@' met before any '/'.
        if let end = rest.firstIndex(where: { $0 == "@" || $0 == "/" }), rest[end] == "@" {
            let userinfo = rest[..<end]
            if let colon = userinfo.firstIndex(of: ":") {
                found += withDecoded(String(userinfo[userinfo.index(after: colon)...]))
            }
        }
        if let question = rest.firstIndex(of: "?") {
            for pair in rest[rest.index(after: question)...].split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                if parts.count == 2, parts[0].lowercased() == "password" {
                    found += withDecoded(String(parts[1]))
                }
            }
        }
        return found
    }

    /// The value as written and, when it decodes, percent-decoded.
    private static func withDecoded(_ value: String) -> [String] {
        guard let decoded = percentDecoded(value), decoded != value else { return [value] }
        return [value, decoded]
    }

    private static func percentDecoded(_ value: String) -> String? {
        var bytes: [UInt8] = []
        var iterator = Array(value.utf8).makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else { bytes.append(byte); continue }
            guard let high = iterator.next(), let low = iterator.next(),
                  let decoded = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
            else { return nil }
            bytes.append(decoded)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    // MARK: key=value

    /// libpq's conninfo rules: `key = value`, a value either bare (up to whitespace, `\` escapes
    /// the next character) or in single quotes (`\` escapes `'` and `\`).
    private static func keyValuePasswords(_ conninfo: String) -> [String] {
        var found: [String] = []
        var characters = Substring(conninfo)
        while true {
            characters = characters.drop(while: \.isWhitespace)
            guard !characters.isEmpty else { break }
            let key = characters.prefix(while: { $0 != "=" && !$0.isWhitespace })
            characters = characters.dropFirst(key.count).drop(while: \.isWhitespace)
            guard characters.first == "=" else { break }
            characters = characters.dropFirst().drop(while: \.isWhitespace)
            let (written, value, rest) = Self.value(characters)
            if key.lowercased() == "password" { found += [written, value] }
            characters = rest
        }
        return found
    }

    private static func value(_ text: Substring) -> (written: String, value: String, rest: Substring) {
        var value = ""
        var index = text.startIndex
        let quoted = text.first == "'"
        if quoted { index = text.index(after: index) }
        while index < text.endIndex {
            let character = text[index]
            if quoted ? character == "'" : character.isWhitespace { break }
            if character == "\\", text.index(after: index) < text.endIndex {
                index = text.index(after: index)
            }
            value.append(text[index])
            index = text.index(after: index)
        }
        if quoted && index < text.endIndex { index = text.index(after: index) }
        return (String(text[text.startIndex..<index]), value, text[index...])
    }
}
