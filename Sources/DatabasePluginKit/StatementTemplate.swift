import Foundation

/// Fills the placeholders of a role's statements.
///
/// `{{name}}` and `{{username}}` become the username, `{{password}}` and `{{expiration}}` the
/// given values (left as written when `nil`); spaces inside the braces are allowed
/// (`{{ name }}`). Anything else between braces is left as written. One pass, left to right: a
/// substituted value is never scanned again, so a password containing `{{name}}` stays as is.
/// Values are inserted verbatim; quoting them for the database (e.g. `"{{name}}"` and
/// `'{{password}}'` in PostgreSQL statements) is the statement author's job, and the generated
/// usernames and passwords the host hands out contain no quote characters.
public enum StatementTemplate {
    public static func render(
        _ statement: String, username: String, password: String? = nil, expiration: String? = nil
    ) -> String {
        var output = ""
        output.reserveCapacity(statement.utf8.count + 32)
        var rest = statement[...]
        while let open = rest.range(of: "{{") {
            output += rest[..<open.lowerBound]
            let afterOpen = rest[open.upperBound...]
            guard let close = afterOpen.range(of: "}}") else {
                rest = rest[open.lowerBound...]
                break
            }
            let key = afterOpen[..<close.lowerBound].trimmingSpaces()
            let value: String? = switch key {
            case "name", "username": username
            case "password": password
            case "expiration": expiration
            default: nil
            }
            if let value {
                output += value
            } else {
                output += rest[open.lowerBound..<close.upperBound]
            }
            rest = afterOpen[close.upperBound...]
        }
        output += rest
        return output
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> Substring {
        var result = self
        while result.first == " " { result.removeFirst() }
        while result.last == " " { result.removeLast() }
        return result
    }
}
