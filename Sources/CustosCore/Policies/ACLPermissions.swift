/// What one pattern grants once every rule for that exact pattern, across all policies of a
/// token, has been merged the way Vault merges them.
struct ACLPermissions: Sendable {
    struct Grant: Sendable, Equatable {
        var policy: String
        var capabilities: Capabilities
    }

    let rulePattern: String
    let pattern: PathPattern
    var capabilities: Capabilities
    /// Which policy granted which capabilities, in policy order (for audit).
    var grants: [Grant]
    var allowedParameters: [String: [PolicyParameterValue]]
    var deniedParameters: [String: [PolicyParameterValue]]
    var requiredParameters: [String]
    var minWrappingTTL: Duration?
    var maxWrappingTTL: Duration?

    /// Granting policies per operation, computed once by `seal()` so that an allowed request
    /// does not build an array.
    private var grantingByOperation: [ACLOperation: [String]] = [:]

    init(rule: PathRule, policy: String, pattern: PathPattern) {
        rulePattern = rule.pattern
        self.pattern = pattern
        capabilities = rule.capabilities
        grants = rule.capabilities.contains(.deny) ? [] : [Grant(policy: policy, capabilities: rule.capabilities)]
        allowedParameters = Self.lowercasedKeys(rule.allowedParameters)
        deniedParameters = Self.lowercasedKeys(rule.deniedParameters)
        requiredParameters = Self.unique(rule.requiredParameters.map { $0.lowercased() })
        minWrappingTTL = Self.positive(rule.minWrappingTTL)
        maxWrappingTTL = Self.positive(rule.maxWrappingTTL)
    }

    /// Folds in another rule for the same pattern. Deny wins and freezes the entry; otherwise
    /// capabilities are united, the smaller wrapping TTLs kept, allowed/denied values appended
    /// (an empty list, "any value", absorbs the others) and required parameters united.
    mutating func merge(_ rule: PathRule, policy: String) {
        if capabilities.contains(.deny) { return }
        if rule.capabilities.contains(.deny) {
            capabilities = .deny
            grants = []
            allowedParameters = [:]
            deniedParameters = [:]
            return
        }
        capabilities.formUnion(rule.capabilities)
        grants.append(Grant(policy: policy, capabilities: rule.capabilities))
        minWrappingTTL = Self.smaller(minWrappingTTL, Self.positive(rule.minWrappingTTL))
        maxWrappingTTL = Self.smaller(maxWrappingTTL, Self.positive(rule.maxWrappingTTL))
        Self.mergeValues(into: &allowedParameters, Self.lowercasedKeys(rule.allowedParameters))
        Self.mergeValues(into: &deniedParameters, Self.lowercasedKeys(rule.deniedParameters))
        requiredParameters = Self.unique(requiredParameters + rule.requiredParameters.map { $0.lowercased() })
    }

    /// Names of the policies whose rules on this pattern grant `operation`'s capability.
    func grantingPolicies(for operation: ACLOperation) -> [String] {
        grantingByOperation[operation] ?? names(granting: operation.requiredCapability)
    }

    /// Called once every rule has been merged.
    mutating func seal() {
        for operation in ACLOperation.allCases {
            grantingByOperation[operation] = names(granting: operation.requiredCapability)
        }
    }

    private func names(granting capability: Capabilities) -> [String] {
        var names: [String] = []
        for grant in grants where grant.capabilities.contains(capability) && !names.contains(grant.policy) {
            names.append(grant.policy)
        }
        return names
    }

    private static func mergeValues(
        into existing: inout [String: [PolicyParameterValue]], _ incoming: [String: [PolicyParameterValue]]
    ) {
        for (key, values) in incoming {
            if let current = existing[key] {
                existing[key] = (values.isEmpty || current.isEmpty) ? [] : values + current
            } else {
                existing[key] = values
            }
        }
    }

    private static func lowercasedKeys(_ parameters: [String: [PolicyParameterValue]]) -> [String:
        [PolicyParameterValue]]
    {
        var result: [String: [PolicyParameterValue]] = [:]
        for (key, values) in parameters {
            let lowered = key.lowercased()
            if let current = result[lowered] {
                result[lowered] = (values.isEmpty || current.isEmpty) ? [] : current + values
            } else {
                result[lowered] = values
            }
        }
        return result
    }

    private static func unique(_ names: [String]) -> [String] {
        var seen = Set<String>()
        return names.filter { seen.insert($0).inserted }
    }

    private static func positive(_ duration: Duration?) -> Duration? {
        guard let duration, duration > .zero else { return nil }
        return duration
    }

    /// The lesser of two optional limits, either one when the other is unset: merged policies
    /// keep wrapping lifetimes as short as any of them asks.
    private static func smaller(_ a: Duration?, _ b: Duration?) -> Duration? {
        guard let a else { return b }
        guard let b else { return a }
        return min(a, b)
    }
}
