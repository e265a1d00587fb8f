/// Parses an ACL policy written in HCL or JSON (Vault's policy language) into a `Policy`.
///
/// Throws `HCLError` for malformed text or a wrong shape (unknown key, a string where a list is
/// expected), `PolicyError` for content Custos refuses (unknown capability, misplaced `*`, bad
/// duration). Both carry the line and column of the offending item.
package enum PolicyParser {
    static let topLevelKeys: Set<String> = ["name", "path"]
    static let ruleKeys: Set<String> = [
        "comment", "policy", "capabilities", "allowed_parameters", "denied_parameters",
        "required_parameters", "min_wrapping_ttl", "max_wrapping_ttl",
        // Vault Enterprise features: recognised so they can be refused by name (below) rather
        // than silently dropped, which would grant without the MFA / approval they demand.
        "mfa_methods", "control_group",
    ]

    package static func parse(name: String, text: String) throws -> Policy {
        let normalizedName = Policy.normalizedName(name)
        guard !normalizedName.isEmpty else { throw PolicyError(.invalidName, "policy name is empty") }
        // The name alone makes an ACL grant everything, so no text may ever become "root".
        guard normalizedName != BuiltinPolicies.root.name else {
            throw PolicyError(.invalidName, "the root policy is built in and cannot be written")
        }
        let document = try HCLDocument.parse(text)
        try document.checkKeys(allowed: topLevelKeys)
        let rules = try document.blocks(named: "path", labels: 1).map(parseRule)
        return Policy(name: normalizedName, rules: rules, raw: text)
    }

    private static func parseRule(_ block: HCLBlock) throws -> PathRule {
        let written = block.labels[0]
        let pattern = written.hasPrefix("/") ? String(written.dropFirst()) : written
        let body = block.body
        try body.checkKeys(allowed: ruleKeys)
        // `capabilities "x" { }` would pass the key check yet never be read as the attribute.
        if let labelled = body.items.first(where: { $0.keys.count != 1 }) {
            throw PolicyError(
                .invalidRule,
                "path \"\(pattern)\": \"\(labelled.keys[0])\" takes no label; write \(labelled.keys[0]) = ...",
                at: labelled.position)
        }
        for feature in ["mfa_methods", "control_group"] {
            if let item = body.attribute(feature) {
                throw PolicyError(
                    .unsupportedFeature, "path \"\(pattern)\": \(feature) is not supported", at: item.position)
            }
        }
        try validate(pattern: pattern, at: block.position)

        var capabilities = Capabilities()
        if let item = body.attribute("policy") {
            capabilities.formUnion(try legacyCapabilities(item, pattern: pattern))
        }
        if let item = body.attribute("capabilities") {
            for name in try item.stringList() {
                guard let capability = Capabilities(name: name) else {
                    throw PolicyError(
                        .invalidCapability, "path \"\(pattern)\": invalid capability \"\(name)\"",
                        at: item.valuePosition)
                }
                capabilities.insert(capability)
            }
        }

        var rule = PathRule(pattern: pattern, capabilities: capabilities)
        if let item = body.attribute("allowed_parameters") {
            rule.allowedParameters = try PolicyParameterDecoder.valueMap(item, pattern: pattern)
        }
        if let item = body.attribute("denied_parameters") {
            rule.deniedParameters = try PolicyParameterDecoder.valueMap(item, pattern: pattern)
        }
        if let item = body.attribute("required_parameters") {
            rule.requiredParameters = try PolicyParameterDecoder.requiredNames(item, pattern: pattern)
        }
        rule.minWrappingTTL = try body.attribute("min_wrapping_ttl").map { try duration($0, pattern: pattern) }
        rule.maxWrappingTTL = try body.attribute("max_wrapping_ttl").map { try duration($0, pattern: pattern) }
        if let min = rule.minWrappingTTL, let max = rule.maxWrappingTTL, min > .zero, max > .zero, max < min {
            throw PolicyError(
                .invalidWrappingTTLRange, "path \"\(pattern)\": max_wrapping_ttl cannot be less than min_wrapping_ttl",
                at: body.attribute("max_wrapping_ttl")?.valuePosition ?? block.position)
        }
        return rule
    }

    /// `*` is a glob only as the last character and `+` only as a whole segment; anything else
    /// would silently become a literal, so it is refused.
    static func validate(pattern: String, at position: HCLPosition) throws {
        if pattern.contains("+*") {
            throw PolicyError(
                .invalidPattern, "path \"\(pattern)\": invalid use of wildcards ('+*' is forbidden)", at: position)
        }
        if pattern.dropLast().contains("*") {
            throw PolicyError(
                .invalidPattern, "path \"\(pattern)\": '*' is only allowed at the end of a path", at: position)
        }
        if pattern.contains("{{") {
            throw PolicyError(
                .unsupportedFeature, "path \"\(pattern)\": templated policy paths are not supported", at: position)
        }
    }

    /// The pre-capabilities `policy = "read"` form Vault still accepts.
    private static func legacyCapabilities(_ item: HCLItem, pattern: String) throws -> Capabilities {
        switch try item.string() {
        case "deny": return .deny
        case "read": return [.read, .list]
        case "write": return [.create, .read, .update, .delete, .list]
        case "sudo": return [.create, .read, .update, .delete, .list, .sudo]
        case let other:
            throw PolicyError(
                .invalidLegacyPolicy, "path \"\(pattern)\": invalid policy \"\(other)\"", at: item.valuePosition)
        }
    }

    /// A number of seconds or a duration string (`"90s"`, `"1h"`), to the second as in Vault.
    private static func duration(_ item: HCLItem, pattern: String) throws -> Duration {
        var seconds: Int64?
        switch item.value {
        case .int(let number) where number >= 0: seconds = number
        case .string(let text): seconds = try? VaultDuration(parsing: text).seconds
        default: seconds = nil
        }
        guard let seconds else {
            throw PolicyError(
                .invalidDuration, "path \"\(pattern)\": \(item.keys.last ?? "ttl") is not a valid duration",
                at: item.valuePosition)
        }
        return .seconds(seconds)
    }
}
