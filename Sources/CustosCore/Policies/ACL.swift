package import CustosJSON
/// The policies of one token compiled into indexes that answer "what may this token do on this
/// path" without scanning rules: an exact-path hash map, a byte trie for `*` prefixes and a
/// segment trie for `+` patterns. Among the non-exact matches only the highest-priority pattern
/// counts (Vault's path priority); an exact match wins outright.
package struct ACL: Sendable {
    /// The token holds the built-in `root` policy: everything is allowed.
    package let isRoot: Bool
    /// Names of the compiled policies, normalised, in the order given.
    package let policyNames: [String]

    /// Merged rules, one per distinct pattern; indexes below refer to positions in it.
    private let rules: [CompiledRule]
    /// Each rule's place in Vault's priority order (higher wins), so that a lookup compares
    /// integers instead of patterns.
    private let ranks: [Int32]
    private let exact: [Substring: Int32]
    private let prefixes: ByteTrie
    private let segmented: SegmentTrie
    private let hasPrefixes: Bool
    private let hasSegmented: Bool

    package init(policies: [Policy]) {
        isRoot = policies.contains { $0.isRoot }
        policyNames = policies.map(\.name)

        var merged: [ACLPermissions] = []
        var positions: [PatternIndexKey: Int32] = [:]
        var exact: [Substring: Int32] = [:]
        var prefixes = ByteTrie()
        var segmented = SegmentTrie()
        for policy in policies where !policy.isRoot {
            // A templated path renders to nothing for a token without an identity entity.
            for rule in policy.rules where !rule.isTemplated {
                let pattern = PathPattern(rule.pattern)
                let key = PatternIndexKey(kind: pattern.kind, key: pattern.key)
                if let existing = positions[key] {
                    merged[Int(existing)].merge(rule, policy: policy.name)
                    continue
                }
                let position = Int32(merged.count)
                merged.append(ACLPermissions(rule: rule, policy: policy.name, pattern: pattern))
                positions[key] = position
                switch pattern.kind {
                case .exact: exact[Substring(pattern.key)] = position
                case .prefix: prefixes.insert(pattern.key, value: position)
                case .segmented: segmented.insert(pattern, rule: position)
                }
            }
        }
        for position in merged.indices { merged[position].seal() }

        var ranks = [Int32](repeating: 0, count: merged.count)
        let ascending = merged.indices.sorted { merged[$0].pattern.priority < merged[$1].pattern.priority }
        var rank: Int32 = 0
        for (offset, position) in ascending.enumerated() {
            if offset > 0, merged[ascending[offset - 1]].pattern.priority < merged[position].pattern.priority {
                rank += 1
            }
            ranks[position] = rank
        }

        self.rules = merged.map(CompiledRule.init)
        self.ranks = ranks
        self.exact = exact
        self.hasPrefixes = merged.contains { $0.pattern.kind == .prefix }
        self.hasSegmented = merged.contains { $0.pattern.kind == .segmented }
        self.prefixes = prefixes.sealed()
        self.segmented = segmented.sealed()
    }

    /// Capabilities granted on `path` (no leading slash needed) after the priority rules; for
    /// the root policy every capability but `deny`. `deny` alone when the winning rule denies.
    /// Like Vault's `sys/capabilities`, a trailing `/` is looked up as a listing would be.
    package func capabilities(on path: String) -> Capabilities {
        if isRoot { return .allGranting }
        guard let index = ruleIndex(for: Self.trimmed(path), listing: true) else { return [] }
        return rules[Int(index)].permissions.capabilities
    }

    /// What `sys/capabilities` and `sys/capabilities-self` answer: sorted names, `["root"]` for
    /// root, `["deny"]` when nothing is granted.
    package func capabilityNames(on path: String) -> [String] {
        if isRoot { return ["root"] }
        let granted = capabilities(on: path)
        return granted.isEmpty ? ["deny"] : granted.names
    }

    /// Vault's mount preflight (`sys/internal/ui/mounts/<path>`): whether the token may do
    /// anything at all on or below `mountPath` (`kv/`): a granting rule on the mount itself, or any
    /// granting, non-deny rule whose pattern can match a path under it.
    package func grantsAccess(underMount mountPath: String) -> Bool {
        if isRoot { return true }
        let direct = capabilities(on: mountPath)
        if !direct.isEmpty && !direct.contains(.deny) { return true }
        return rules.contains { compiled in
            let rule = compiled.permissions
            guard !rule.capabilities.contains(.deny), !rule.capabilities.intersection(.allGranting).isEmpty else { return false }
            return rule.pattern.canMatch(under: mountPath)
        }
    }

    /// The pattern of the rule that decides for `path` (for audit and `vault policy` debugging).
    package func matchingPattern(for path: String, operation: ACLOperation = .read) -> String? {
        guard !isRoot, let index = ruleIndex(for: Self.trimmed(path), listing: operation == .list) else { return nil }
        return rules[Int(index)].permissions.rulePattern
    }

    /// Full decision for a request: the operation's capability on the winning rule, then the
    /// rule's response-wrapping bounds, then its parameter constraints.
    package func allows(
        _ operation: ACLOperation,
        path: String,
        parameters: [String: JSONValue]? = [:],
        wrapTTL: Duration? = nil
    ) -> ACLDecision {
        if isRoot {
            return ACLDecision(
                allowed: true, isRoot: true, hasSudo: true, capabilities: .allGranting,
                matchedPattern: nil, grantingPolicies: ["root"], denial: nil)
        }
        guard let index = ruleIndex(for: Self.trimmed(path), listing: operation == .list) else {
            return .denied(.noMatchingRule)
        }
        let compiled = rules[Int(index)]
        let rule = compiled.permissions
        if rule.capabilities.contains(.deny) { return .denied(.explicitDeny, permissions: rule) }
        let needed = operation.requiredCapability
        guard rule.capabilities.contains(needed) else { return .denied(.missingCapability(needed), permissions: rule) }
        if let denial = Self.wrappingDenial(rule, wrapTTL: wrapTTL) { return .denied(denial, permissions: rule) }
        if operation.checksParameters {
            // nil: a body the core could not read (a handler may still decode parts of it), so a
            // rule that constrains parameters cannot be checked and is not satisfied.
            guard let parameters else {
                if ParameterConstraints.constrains(rule) { return .denied(.unreadableParameters, permissions: rule) }
                return allowedDecision(rule, operation)
            }
            if let denial = ParameterConstraints.check(parameters, against: rule) {
                return .denied(denial, permissions: rule)
            }
        }
        return allowedDecision(rule, operation)
    }

    private func allowedDecision(_ rule: ACLPermissions, _ operation: ACLOperation) -> ACLDecision {
        ACLDecision(
            allowed: true, isRoot: false, hasSudo: rule.capabilities.contains(.sudo),
            capabilities: rule.capabilities, matchedPattern: rule.rulePattern,
            grantingPolicies: rule.grantingPolicies(for: operation), denial: nil)
    }

    // MARK: - Lookup

    private func ruleIndex(for path: Substring, listing: Bool) -> Int32? {
        if let index = exact[path] { return index }
        // Vault's list fallback, in OpenBao's order (checked against `bao` 2.7.2): a listing of
        // "foo/" is answered by an exact rule on "foo" before any non-exact rule; non-exact rules
        // match the path as given, and only when none does are they tried on "foo" (so "+"
        // answers a listing of "foo/", but never beats "foo/+").
        let bare: Substring? = listing && path.hasSuffix("/") ? path.dropLast() : nil
        if let bare, let index = exact[bare] { return index }
        if let index = nonExactIndex(for: path) { return index }
        if let bare { return nonExactIndex(for: bare) }
        return nil
    }

    private func nonExactIndex(for path: Substring) -> Int32? {
        var best: Int32?
        if hasPrefixes, let hit = prefixes.longestPrefix(of: path.utf8) { best = hit.value }
        guard hasSegmented else { return best }
        var candidates: [Int32] = []
        segmented.collectMatches(path, into: &candidates)
        for candidate in candidates where best.map({ ranks[Int($0)] < ranks[Int(candidate)] }) ?? true {
            best = candidate
        }
        return best
    }

    private static func wrappingDenial(_ rule: ACLPermissions, wrapTTL: Duration?) -> ACLDenial? {
        guard rule.minWrappingTTL != nil || rule.maxWrappingTTL != nil else { return nil }
        guard let wrapTTL else { return .wrappingRequired }
        if let max = rule.maxWrappingTTL, wrapTTL > max { return .wrappingTTLOutOfRange }
        if let min = rule.minWrappingTTL, wrapTTL < min { return .wrappingTTLOutOfRange }
        return nil
    }

    /// Request paths are relative to `/v1/`; tolerate leading slashes as Vault does.
    private static func trimmed(_ path: String) -> Substring {
        path.drop(while: { $0 == "/" })
    }
}

/// A merged rule behind a reference, so a lookup retains one object instead of copying the
/// rule's arrays and dictionaries.
private final class CompiledRule: Sendable {
    let permissions: ACLPermissions
    init(_ permissions: ACLPermissions) { self.permissions = permissions }
}

/// Identical patterns merge; an exact `foo/` and a prefix `foo/*` (key `foo/`) do not.
private struct PatternIndexKey: Hashable {
    let kind: PathPattern.Kind
    let key: String
}
