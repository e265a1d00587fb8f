/// The logical operation of a request, each checked against the capability of the same name.
package enum ACLOperation: String, Sendable, Hashable, CaseIterable {
    case create, read, update, patch, delete, list

    package var requiredCapability: Capabilities {
        switch self {
        case .create: .create
        case .read: .read
        case .update: .update
        case .patch: .patch
        case .delete: .delete
        case .list: .list
        }
    }

    /// Parameter constraints apply only to operations that carry data to write or filter by.
    var checksParameters: Bool {
        switch self {
        case .create, .read, .update, .patch: true
        case .delete, .list: false
        }
    }
}

/// The outcome of `ACL.allows`: whether the request may proceed and, for the audit log, why.
package struct ACLDecision: Sendable, Equatable {
    package var allowed: Bool
    /// The token holds the root policy (everything allowed, including sudo).
    package var isRoot: Bool
    /// The winning rule grants `sudo`. Root-protected paths need it on top of `allowed`; only the
    /// caller knows which paths those are.
    package var hasSudo: Bool
    /// Capabilities of the winning rule (empty when no rule matched).
    package var capabilities: Capabilities
    /// The pattern of the winning rule, as written in the policies.
    package var matchedPattern: String?
    /// Policies whose rules on the winning pattern grant the operation's capability.
    package var grantingPolicies: [String]
    /// Why the request was refused; nil when allowed.
    package var denial: ACLDenial?

    static func denied(_ denial: ACLDenial, permissions: ACLPermissions? = nil) -> ACLDecision {
        ACLDecision(
            allowed: false, isRoot: false,
            hasSudo: permissions?.capabilities.contains(.sudo) ?? false,
            capabilities: permissions?.capabilities ?? [],
            matchedPattern: permissions?.rulePattern,
            grantingPolicies: [], denial: denial)
    }
}

/// Why an ACL refused a request. Carries parameter names, never parameter values.
package enum ACLDenial: Sendable, Equatable, CustomStringConvertible {
    case noMatchingRule
    case explicitDeny
    case missingCapability(Capabilities)
    case wrappingRequired
    case wrappingTTLOutOfRange
    case missingRequiredParameter(String)
    case deniedParameter(String)
    case parameterNotAllowed(String)
    /// The body could not be read into parameters, and the rule constrains them.
    case unreadableParameters

    /// A stable code for logs and tests.
    package var code: String {
        switch self {
        case .noMatchingRule: "no_matching_rule"
        case .explicitDeny: "explicit_deny"
        case .missingCapability: "missing_capability"
        case .wrappingRequired: "wrapping_required"
        case .wrappingTTLOutOfRange: "wrapping_ttl_out_of_range"
        case .missingRequiredParameter: "missing_required_parameter"
        case .deniedParameter: "denied_parameter"
        case .parameterNotAllowed: "parameter_not_allowed"
        case .unreadableParameters: "unreadable_parameters"
        }
    }

    package var description: String {
        switch self {
        case .noMatchingRule: "no policy rule matches the path"
        case .explicitDeny: "the matching rule denies the path"
        case .missingCapability(let capability):
            "the matching rule does not grant \(capability.names.joined(separator: ", "))"
        case .wrappingRequired: "the matching rule requires a response-wrapping TTL"
        case .wrappingTTLOutOfRange: "the response-wrapping TTL is outside the rule's bounds"
        case .missingRequiredParameter(let name): "required parameter \"\(name)\" is missing"
        case .deniedParameter(let name): "parameter \"\(name)\" is denied"
        case .parameterNotAllowed(let name): "parameter \"\(name)\" is not allowed"
        case .unreadableParameters: "the request body cannot be read as parameters, and the rule constrains them"
        }
    }
}
