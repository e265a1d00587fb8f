package import HCL

/// One `path "<pattern>" { ... }` stanza of an ACL policy.
package struct PathRule: Sendable, Equatable {
    /// The pattern as the parser leaves it (one leading `/` dropped): an exact path, a prefix
    /// glob ending in `*`, and/or `+` segments that match exactly one path segment each. A `*`
    /// elsewhere is an ordinary character.
    package var pattern: String
    package var capabilities: Capabilities
    /// Parameter name (lower-cased) -> permitted values; `[]` means any value. `"*"` names any parameter.
    package var allowedParameters: [String: [PolicyParameterValue]]
    /// Parameter name (lower-cased) -> forbidden values; `[]` means the parameter may not be sent at all.
    package var deniedParameters: [String: [PolicyParameterValue]]
    package var requiredParameters: [String]
    package var minWrappingTTL: Duration?
    package var maxWrappingTTL: Duration?

    package init(
        pattern: String,
        capabilities: Capabilities,
        allowedParameters: [String: [PolicyParameterValue]] = [:],
        deniedParameters: [String: [PolicyParameterValue]] = [:],
        requiredParameters: [String] = [],
        minWrappingTTL: Duration? = nil,
        maxWrappingTTL: Duration? = nil
    ) {
        self.pattern = pattern
        // A rule that denies grants nothing else, whatever else it lists (as in Vault).
        self.capabilities = capabilities.contains(.deny) ? .deny : capabilities
        self.allowedParameters = allowedParameters
        self.deniedParameters = deniedParameters
        self.requiredParameters = requiredParameters
        self.minWrappingTTL = minWrappingTTL
        self.maxWrappingTTL = maxWrappingTTL
    }

    /// A path with identity templates (`{{identity.entity.id}}`; the parser checked the braces).
    /// Vault renders it from the token's entity and skips it when that fails, as it always does
    /// for a token without one; Custos tokens never have one.
    package var isTemplated: Bool { pattern.contains("{{") }
}

/// A named ACL policy: its rules and the text it was parsed from (returned by `sys/policy/<name>`).
package struct Policy: Sendable, Equatable {
    package var name: String
    package var rules: [PathRule]
    package var raw: String

    package init(name: String, rules: [PathRule], raw: String = "") {
        self.name = Policy.normalizedName(name)
        self.rules = rules
        self.raw = raw
    }

    /// Vault stores and looks up policy names trimmed and lower-cased (`"DeV "` is `"dev"`).
    package static func normalizedName(_ name: String) -> String {
        // Every request normalises its token's policy names: most are already plain lower-case
        // ASCII, which is returned as is without building a new string.
        if name.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && !($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z")) }) {
            return name
        }
        let trimmed = name.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed()
        return String(trimmed).lowercased()
    }

    /// The built-in policy that grants everything.
    package var isRoot: Bool { name == "root" }
}

/// A policy that is well-formed HCL/JSON but says something Custos will not accept.
/// Syntax and shape errors are `HCLError`s; both carry a position.
package struct PolicyError: Error, Sendable, Equatable, CustomStringConvertible {
    package enum Code: String, Sendable, Equatable {
        case invalidName = "invalid_name"
        case invalidRule = "invalid_rule"
        case invalidKey = "invalid_key"
        case invalidEncoding = "invalid_encoding"
        case invalidCapability = "invalid_capability"
        case invalidPattern = "invalid_pattern"
        case invalidParameter = "invalid_parameter"
        case invalidDuration = "invalid_duration"
        case invalidWrappingTTLRange = "invalid_wrapping_ttl_range"
        case invalidLegacyPolicy = "invalid_legacy_policy"
        case unsupportedFeature = "unsupported_feature"
    }

    package var code: Code
    package var message: String
    package var position: HCLPosition?

    package init(_ code: Code, _ message: String, at position: HCLPosition? = nil) {
        self.code = code
        self.message = message
        self.position = position
    }

    package var description: String {
        guard let position else { return message }
        return "\(position): \(message)"
    }
}
