/// A request parameter's value as the ACL sees it: enough of the JSON value to match the
/// `allowed_parameters` / `denied_parameters` value lists of a policy.
package indirect enum ACLParameterValue: Sendable, Hashable {
    case string(String)
    /// A JSON number in its textual form (`"10"`, `"1.5"`), matched exactly against policy values.
    case number(String)
    case bool(Bool)
    case null
    case list([ACLParameterValue])
    /// Objects only ever satisfy "any value" (`[]`); policy value lists hold scalars.
    case object([String: ACLParameterValue])
}

/// Vault's matching of one request value against a policy's value list (`acl.go`), with value
/// globs: `"foo-*"` (prefix), `"*-foo"` (suffix), `"*foo*"` (contains).
enum ParameterValueMatcher {
    /// Allowed-list semantics: the empty list allows anything; a list value (or a comma-separated
    /// string, which Vault treats as a possible list) passes when every element is allowed.
    static func isAllowed(_ value: ACLParameterValue, by list: [String]) -> Bool {
        if list.isEmpty || matchesWhole(value, list) { return true }
        switch value {
        case .list(let elements):
            return elements.allSatisfy { matchesWhole($0, list) }
        case .string(let text) where text.contains(","):
            return commaSeparatedPieces(text).allSatisfy { piece in list.contains { glob($0, matches: piece) } }
        default:
            return false
        }
    }

    /// Denied-list semantics: the empty list denies any value; a list value (or a comma-separated
    /// string) is denied when any element is.
    static func isDenied(_ value: ACLParameterValue, by list: [String]) -> Bool {
        if list.isEmpty || matchesWhole(value, list) { return true }
        switch value {
        case .list(let elements):
            return elements.contains { matchesWhole($0, list) }
        case .string(let text) where text.contains(","):
            return commaSeparatedPieces(text).contains { piece in list.contains { glob($0, matches: piece) } }
        default:
            return false
        }
    }

    private static func matchesWhole(_ value: ACLParameterValue, _ list: [String]) -> Bool {
        switch value {
        case .string(let text): return list.contains { glob($0, matches: text) }
        case .number(let text): return list.contains(text)
        case .bool(let flag): return list.contains(flag ? "true" : "false")
        case .null, .list, .object: return false
        }
    }

    /// `strutil.GlobbedStringsMatch`: a single leading and/or trailing `*`; a lone `"*"` is literal.
    static func glob(_ pattern: String, matches value: String) -> Bool {
        let bytes = Array(pattern.utf8)
        guard bytes.count >= 2 else { return value.utf8.elementsEqual(pattern.utf8) }
        let leading = bytes.first == UInt8(ascii: "*")
        let trailing = bytes.last == UInt8(ascii: "*")
        let valueBytes = Array(value.utf8)
        switch (leading, trailing) {
        case (true, true):
            return contains(valueBytes, Array(bytes[1..<(bytes.count - 1)]))
        case (true, false):
            return valueBytes.count >= bytes.count - 1
                && valueBytes.suffix(bytes.count - 1).elementsEqual(bytes.dropFirst())
        case (false, true):
            return valueBytes.count >= bytes.count - 1
                && valueBytes.prefix(bytes.count - 1).elementsEqual(bytes.dropLast())
        case (false, false):
            return value.utf8.elementsEqual(pattern.utf8)
        }
    }

    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        if needle.isEmpty { return true }
        guard haystack.count >= needle.count else { return false }
        for start in 0...(haystack.count - needle.count)
        where haystack[start..<(start + needle.count)].elementsEqual(needle) {
            return true
        }
        return false
    }

    private static func commaSeparatedPieces(_ text: String) -> [String] {
        text.split(separator: ",", omittingEmptySubsequences: false).map { piece in
            String(piece.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
        }
    }
}
