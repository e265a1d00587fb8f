import Foundation

/// Fills `{{username}}`/`{{password}}` into a connection string written as a URL
/// (`postgresql://{{username}}:{{password}}@host/db`) or as libpq key=value pairs
/// (`host=... user={{username}} password={{password}}`), escaping the values for that syntax.
enum ConnectionString {
    static func isURL(_ text: String) -> Bool {
        let lowered = text.lowercased()
        return lowered.hasPrefix("postgresql://") || lowered.hasPrefix("postgres://")
    }

    static func render(_ template: String, username: String, password: String, escapeForURL: Bool) -> String {
        if isURL(template) {
            let user = escapeForURL ? percentEncoded(username) : username
            let secret = escapeForURL ? percentEncoded(password) : password
            return template.replacing("{{username}}", with: user).replacing("{{password}}", with: secret)
        }
        return fillKeyValue(fillKeyValue(template, placeholder: "{{username}}", value: username), placeholder: "{{password}}", value: password)
    }

    /// Percent-encodes all but RFC 3986 unreserved characters; libpq decodes them in a URI.
    static func percentEncoded(_ value: String) -> String {
        var result = ""
        for byte in value.utf8 {
            let scalar = Unicode.Scalar(byte)
            if (byte < 0x80) && (scalar.properties.isAlphabetic || ("0"..."9").contains(Character(scalar)) || "-._~".unicodeScalars.contains(scalar)) {
                result.unicodeScalars.append(scalar)
            } else {
                result += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return result
    }

    /// A key=value value in single quotes, `\` and `'` backslash-escaped (libpq's rules).
    static func quotedValue(_ value: String) -> String {
        "'" + escapedInsideQuotes(value) + "'"
    }

    private static func escapedInsideQuotes(_ value: String) -> String {
        value.replacing("\\", with: "\\\\").replacing("'", with: "\\'")
    }

    /// Quotes the value, unless the admin already wrote the placeholder inside single quotes.
    private static func fillKeyValue(_ template: String, placeholder: String, value: String) -> String {
        var result = ""
        var rest = Substring(template)
        while let range = rest.range(of: placeholder) {
            let before = rest[..<range.lowerBound]
            let after = rest[range.upperBound...]
            let alreadyQuoted = before.last == "'" && after.first == "'"
            result += before
            result += alreadyQuoted ? escapedInsideQuotes(value) : quotedValue(value)
            rest = after
        }
        return result + rest
    }
}

private extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
