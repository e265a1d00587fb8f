import CustosJSON

/// Vault's matching of one request value against a policy's value list (`acl.go`
/// `valueInParameterList`): the empty list matches any value; a string value matches a string
/// entry, with value globs `"foo-*"` (prefix), `"*-foo"` (suffix), `"*foo*"` (contains); a boolean
/// matches the same boolean entry. Nothing else matches: Vault compares other values with an
/// entry of the same Go type, and neither a request's JSON number (a `json.Number`) nor a list,
/// object or null can equal a policy entry. A list value is NOT matched element by element and a
/// comma-separated string is one string (checked against `bao server -dev` 2.7.2).
enum ParameterValueMatcher {
    /// Allowed when the list is empty or an entry matches.
    static func isAllowed(_ value: JSONValue, by list: [PolicyParameterValue]) -> Bool {
        list.isEmpty || list.contains { matches(value, $0) }
    }

    /// Denied when the list is empty or an entry matches (the same rule as `isAllowed`).
    static func isDenied(_ value: JSONValue, by list: [PolicyParameterValue]) -> Bool {
        list.isEmpty || list.contains { matches(value, $0) }
    }

    private static func matches(_ value: JSONValue, _ entry: PolicyParameterValue) -> Bool {
        switch (value, entry) {
        case (.string(let text), .string(let pattern)): return glob(pattern, matches: text)
        case (.bool(let flag), .bool(let expected)): return flag == expected
        default: return false
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
}
