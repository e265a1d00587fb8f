import HCL

/// Decodes the parameter constraints of a path rule:
/// `allowed_parameters = { "type" = ["kv", "database*"], "*" = [] }` and
/// `required_parameters = ["type"]`, from HCL or JSON.
enum PolicyParameterDecoder {
    /// Parameter name (lower-cased) -> values, typed as written (a number or boolean entry does
    /// not match a string value, as in Vault). `items` are every occurrence of the attribute in
    /// the stanza: as in Vault's HCL decoding, a name given twice (in one object or in repeated
    /// attributes) gets the two lists appended, so `x = []` then `x = ["1"]` allows only "1".
    static func valueMap(_ items: [HCLItem], pattern: String) throws -> [String: [PolicyParameterValue]] {
        var result: [String: [PolicyParameterValue]] = [:]
        for item in items {
            let field = item.keys.last ?? "parameters"
            for entry in try item.object().items {
                guard let name = entry.keys.first else { continue }
                try validate(name: name, field: field, pattern: pattern, wildcardPermitted: true, at: entry.position)
                result[name.lowercased(), default: []] += try scalars(entry, field: field, pattern: pattern)
            }
        }
        return result
    }

    /// Every occurrence's names, appended; each must be a list (a bare string is refused, as in Vault).
    static func requiredNames(_ items: [HCLItem], pattern: String) throws -> [String] {
        var names: [String] = []
        for item in items {
            guard case .list = item.value else {
                throw PolicyError(
                    .invalidParameter,
                    "path \"\(pattern)\": required_parameters must be a list of strings, got \(item.value.kindDescription)",
                    at: item.valuePosition)
            }
            for name in try item.stringList() {
                try validate(
                    name: name, field: "required_parameters", pattern: pattern, wildcardPermitted: false,
                    at: item.valuePosition)
                names.append(name.lowercased())
            }
        }
        return names
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
        // Vault decodes each entry into a list: a bare scalar is refused, not read as one element.
        guard case .list(let elements) = entry.value else {
            throw PolicyError(
                .invalidParameter,
                "path \"\(pattern)\": \(field): \"\(entry.keys.first ?? "")\" must be a list of values, got \(entry.value.kindDescription)",
                at: entry.valuePosition)
        }
        return try elements.map(scalar)
    }
}
