/// Decodes the parameter constraints of a path rule:
/// `allowed_parameters = { "type" = ["kv", "database*"], "*" = [] }` and
/// `required_parameters = ["type"]`, from HCL or JSON.
enum PolicyParameterDecoder {
    /// Parameter name (lower-cased) -> values, typed as written (a number or boolean entry does
    /// not match a string value, as in Vault); a single scalar counts as a one-element list.
    static func valueMap(_ item: HCLItem, pattern: String) throws -> [String: [PolicyParameterValue]] {
        let field = item.keys.last ?? "parameters"
        let object = try item.object()
        var result: [String: [PolicyParameterValue]] = [:]
        for entry in object.items {
            guard let name = entry.keys.first else { continue }
            try validate(name: name, field: field, pattern: pattern, wildcardPermitted: true, at: entry.position)
            let values = try scalars(entry, field: field, pattern: pattern)
            let key = name.lowercased()
            if let current = result[key] {
                result[key] = (current.isEmpty || values.isEmpty) ? [] : current + values
            } else {
                result[key] = values
            }
        }
        return result
    }

    static func requiredNames(_ item: HCLItem, pattern: String) throws -> [String] {
        let names = try item.stringList()
        for name in names {
            try validate(
                name: name, field: "required_parameters", pattern: pattern, wildcardPermitted: false,
                at: item.valuePosition)
        }
        return names.map { $0.lowercased() }
    }

    /// Names are plain parameter names or `"*"`. Vault's newer JSON-pointer keys (`"/a/b"`) are
    /// refused rather than taken literally, since a literal would never match and a denial
    /// written that way would silently do nothing.
    private static func validate(
        name: String, field: String, pattern: String, wildcardPermitted: Bool, at position: HCLPosition
    ) throws {
        if name.hasPrefix("/") {
            throw PolicyError(
                .unsupportedFeature,
                "path \"\(pattern)\": \(field): parameter key \"\(name)\": JSON pointer keys are not supported",
                at: position)
        }
        guard name.contains("*") else { return }
        guard wildcardPermitted else {
            throw PolicyError(
                .invalidParameter,
                "path \"\(pattern)\": \(field): parameter key \"\(name)\": wildcard is not permitted here",
                at: position)
        }
        guard name == "*" else {
            throw PolicyError(
                .invalidParameter,
                "path \"\(pattern)\": \(field): parameter key \"\(name)\" cannot contain wildcards other than \"*\" alone",
                at: position)
        }
    }

    private static func scalars(_ entry: HCLItem, field: String, pattern: String) throws -> [PolicyParameterValue] {
        func scalar(_ value: HCLValue) throws -> PolicyParameterValue {
            switch value {
            case .string(let string): return .string(string)
            case .int(let number): return .int(number)
            case .float(let number): return .float(number)
            case .bool(let flag): return .bool(flag)
            case .list, .object:
                throw PolicyError(
                    .invalidParameter,
                    "path \"\(pattern)\": \(field): values of \"\(entry.keys.first ?? "")\" must be strings, numbers or booleans",
                    at: entry.valuePosition)
            }
        }
        if case .list(let elements) = entry.value { return try elements.map(scalar) }
        return [try scalar(entry.value)]
    }
}
