import Foundation
import HCL
import Synchronization

/// ACL policies kept under the barrier (`sys/policy/<name>`, the text as written), the built-in
/// `root` and `default`, and compiled ACLs cached per set of policy names. Any policy change drops
/// the cache, so the new rules apply from the next request of every token.
package final class PolicyStore: Sendable {
    private let storage: any StorageBackend
    /// Compiled ACLs and a generation bumped on every change, so an ACL compiled from rules
    /// read before a change is never cached after it.
    private let compiled = Mutex<(generation: Int, cache: [String: ACL])>((0, [:]))

    static let prefix = "sys/policy/"

    private struct Stored: Codable {
        var name: String
        var policy: String
    }

    package init(storage: any StorageBackend) {
        self.storage = storage
    }

    /// A policy by (normalised) name; `default` is the built-in one until rewritten.
    package func policy(named rawName: String) async throws -> Policy? {
        let name = Policy.normalizedName(rawName)
        if name == BuiltinPolicies.root.name { return BuiltinPolicies.root }
        guard Self.isValidName(name) else { return nil }
        guard let data = try await storage.get(Self.prefix + name) else {
            return name == BuiltinPolicies.default.name ? BuiltinPolicies.default : nil
        }
        let stored = try JSONDecoder().decode(Stored.self, from: data)
        let policy: Policy
        do {
            policy = try PolicyParser.parse(name: name, text: stored.policy)
        } catch {
            // Stored text was parsed when written; a parser change must not grant anything.
            policy = Policy(name: name, rules: [], raw: stored.policy)
        }
        return policy
    }

    /// Parses and stores a policy; returns the parser's warnings. Throws 400 with the line and
    /// column of a malformed one; nothing is stored then.
    package func write(name rawName: String, text: String) async throws -> [String] {
        let name = Policy.normalizedName(rawName)
        guard Self.isValidName(name) else { throw CustosError.badRequest("invalid policy name \"\(rawName)\"") }
        let output: PolicyParser.Output
        do {
            output = try PolicyParser.parseRules(text)
        } catch let error as HCLError {
            throw CustosError.badRequest("failed to parse policy: \(error.description)")
        } catch let error as PolicyError {
            throw CustosError.badRequest("failed to parse policy: \(Self.describe(error))")
        }
        // Checked after parsing, as Vault does: a malformed text is reported as such first.
        guard !BuiltinPolicies.immutableNames.contains(name) else {
            throw CustosError.badRequest("cannot update \"\(name)\" policy")
        }
        try await storage.put(Self.prefix + name, try JSONEncoder().encode(Stored(name: name, policy: text)))
        compiled.withLock { $0 = ($0.generation + 1, [:]) }
        return output.warnings
    }

    package func delete(name rawName: String) async throws {
        let name = Policy.normalizedName(rawName)
        if BuiltinPolicies.immutableNames.contains(name) {
            throw CustosError.badRequest("cannot delete \"\(name)\" policy")
        }
        if name == BuiltinPolicies.default.name {
            throw CustosError.badRequest("cannot delete default policy")
        }
        guard Self.isValidName(name) else { return }
        try await storage.delete(Self.prefix + name)
        compiled.withLock { $0 = ($0.generation + 1, [:]) }
    }

    /// Every policy name, built-ins included, sorted.
    package func names() async throws -> [String] {
        let stored = try await storage.list(prefix: Self.prefix).filter { !$0.hasSuffix("/") }
        return Array(Set(stored + ["default", "root"])).sorted()
    }

    /// The compiled ACL for a token's policies; unknown names grant nothing.
    package func acl(for names: [String]) async throws -> ACL {
        let key = Array(Set(names.map(Policy.normalizedName))).sorted()
        let cacheKey = key.joined(separator: "\n")
        let (generation, hit) = compiled.withLock { ($0.generation, $0.cache[cacheKey]) }
        if let hit { return hit }
        var policies: [Policy] = []
        for name in key {
            if let policy = try await policy(named: name) { policies.append(policy) }
        }
        let acl = ACL(policies: policies)
        compiled.withLock { state in
            guard state.generation == generation else { return }
            // A bound, so that token-chosen policy sets cannot grow it without end.
            if state.cache.count > 4096 { state.cache.removeAll() }
            state.cache[cacheKey] = acl
        }
        return acl
    }

    /// "line L, column C: message", the same spelling as a syntax error's.
    package static func describe(_ error: PolicyError) -> String {
        guard let position = error.position else { return error.message }
        return "line \(position.line), column \(position.column): \(error.message)"
    }

    /// Names become storage keys: no path separators, no empty name.
    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && !name.contains("/") && !name.contains("\0") && name.count <= 128
    }
}
