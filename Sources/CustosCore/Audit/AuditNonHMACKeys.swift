/// Response keys an engine declares safe to log in clear (Vault's `audit_non_hmac_response_keys`),
/// by path pattern below its mount: the database engine's generated `username`, so that an admin
/// who sees a role in PostgreSQL finds the request, token and lease that created it. Declared by
/// the engine with its type; the core consults it for every audited response.
package struct AuditNonHMACKeys: Sendable {
    private let rules: [(pattern: EnginePathPattern, keys: Set<String>)]

    package static let none = AuditNonHMACKeys([:])

    /// Patterns as in the engine's path table (`creds/{name}`).
    package init(_ responseKeys: [String: Set<String>]) {
        rules = responseKeys.map { (pattern: EnginePathPattern($0.key), keys: $0.value) }
    }

    /// The keys to leave in clear in the response of `path` (relative to the mount).
    package func keys(for path: String) -> Set<String> {
        var keys: Set<String> = []
        for rule in rules where rule.pattern.match(path) != nil { keys.formUnion(rule.keys) }
        return keys
    }
}
