import HCL

/// Reads the body of one `path` stanza as Vault's HCL decoding does: a key given twice is not an
/// error; list values (`capabilities`, `required_parameters`, parameter values) are appended and
/// single values (`policy`, the wrapping TTLs) are taken from the last occurrence.
struct PolicyRuleDecoder {
    static let ruleKeys: Set<String> = [
        "comment", "policy", "capabilities", "allowed_parameters", "denied_parameters",
        "required_parameters", "min_wrapping_ttl", "max_wrapping_ttl",
    ]
    /// Keys Vault or OpenBao accept that Custos cannot honour. Each would restrict access (MFA,
    /// approvals, an expiry, a page size, filtered listings): ignoring one would grant more than
    /// the policy says, so the policy is refused instead.
    static let unsupportedKeys = [
        "mfa_methods", "control_group", "expiration", "pagination_limit", "list_scan_response_keys_filter_path",
    ]

    let pattern: String
    let body: HCLObject

    func decode() throws -> PathRule {
        try checkKeys()
        var capabilities = Capabilities()
        if let item = occurrences("policy").last {
            for earlier in occurrences("policy") { _ = try earlier.string() }
            capabilities.formUnion(try legacyCapabilities(item))
        }
        for item in occurrences("capabilities") {
            capabilities.formUnion(try capabilityList(item))
        }

        var rule = PathRule(pattern: pattern, capabilities: capabilities)
        let allowed = occurrences("allowed_parameters")
        if !allowed.isEmpty { rule.allowedParameters = try PolicyParameterDecoder.valueMap(allowed, pattern: pattern) }
        let denied = occurrences("denied_parameters")
        if !denied.isEmpty { rule.deniedParameters = try PolicyParameterDecoder.valueMap(denied, pattern: pattern) }
        let required = occurrences("required_parameters")
        if !required.isEmpty {
            rule.requiredParameters = try PolicyParameterDecoder.requiredNames(required, pattern: pattern)
        }
        let minItem = occurrences("min_wrapping_ttl").last
        let maxItem = occurrences("max_wrapping_ttl").last
        rule.minWrappingTTL = try minItem.map(duration)
        rule.maxWrappingTTL = try maxItem.map(duration)
        if let min = rule.minWrappingTTL, let max = rule.maxWrappingTTL, let maxItem, min > .zero, max > .zero,
            max < min
        {
            throw PolicyError(
                .invalidWrappingTTLRange, "path \"\(pattern)\": max_wrapping_ttl cannot be less than min_wrapping_ttl",
                at: maxItem.valuePosition)
        }
        return rule
    }

    /// Every `name = ...` of the stanza, in order.
    private func occurrences(_ name: String) -> [HCLItem] {
        body.items.filter { $0.keys.count == 1 && $0.keys[0] == name }
    }

    private func checkKeys() throws {
        for item in body.items {
            let key = item.keys.first ?? ""
            if Self.unsupportedKeys.contains(key) {
                throw PolicyError(
                    .unsupportedFeature, "path \"\(pattern)\": \(key) is not supported", at: item.position)
            }
            guard Self.ruleKeys.contains(key) else {
                throw PolicyError(.invalidKey, "path \"\(pattern)\": invalid key \"\(key)\"", at: item.position)
            }
            // `capabilities "x" { }` (or JSON folded into one) would never be read as the attribute.
            if item.keys.count != 1 {
                throw PolicyError(
                    .invalidRule, "path \"\(pattern)\": \"\(key)\" takes no label; write \(key) = ...",
                    at: item.position)
            }
        }
    }

    /// A list of capability names; a bare string is refused, as in Vault.
    private func capabilityList(_ item: HCLItem) throws -> Capabilities {
        guard case .list(let elements) = item.value else {
            throw PolicyError(
                .invalidCapability,
                "path \"\(pattern)\": capabilities must be a list of strings, got \(item.value.kindDescription)",
                at: item.valuePosition)
        }
        var capabilities = Capabilities()
        for element in elements {
            guard case .string(let name) = element else {
                throw PolicyError(
                    .invalidCapability,
                    "path \"\(pattern)\": capabilities must be a list of strings, got a list containing \(element.kindDescription)",
                    at: item.valuePosition)
            }
            guard let capability = Capabilities(name: name) else {
                throw PolicyError(
                    .invalidCapability, "path \"\(pattern)\": invalid capability \"\(name)\"", at: item.valuePosition)
            }
            capabilities.insert(capability)
        }
        return capabilities
    }

    /// The pre-capabilities `policy = "read"` form Vault still accepts.
    private func legacyCapabilities(_ item: HCLItem) throws -> Capabilities {
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
    private func duration(_ item: HCLItem) throws -> Duration {
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
