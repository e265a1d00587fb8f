import Foundation
import HCL

/// `sys/policies/password/<name>`: password policies as written (HCL or JSON text), stored under
/// the barrier, parsed and checked at write time so that a stored policy always generates.
package struct PasswordPolicyStore: Sendable {
    let storage: any StorageBackend

    package init(storage: any StorageBackend) { self.storage = storage }

    struct Stored: Codable {
        var policy: String
    }

    package func text(_ name: String) async throws -> String? {
        guard let data = try await storage.get(name) else { return nil }
        return try JSONDecoder().decode(Stored.self, from: data).policy
    }

    package func policy(_ name: String) async throws -> PasswordPolicy? {
        guard let text = try await text(name) else { return nil }
        return try Self.parse(text)
    }

    /// Parses and checks (including Vault's trial generations) before anything is stored.
    package func write(_ name: String, text: String) async throws {
        _ = try Self.parse(text, checkGenerates: true)
        try await storage.put(name, try JSONEncoder().encode(Stored(policy: text)))
    }

    package func delete(_ name: String) async throws { try await storage.delete(name) }

    package func names() async throws -> [String] {
        try await storage.list(prefix: "").filter { !$0.hasSuffix("/") }
    }

    /// A password from the named policy, or from Vault's default policy when `name` is empty.
    package func generate(policy name: String) async throws -> String {
        guard !name.isEmpty else { return try PasswordPolicy.vaultDefault.generate() }
        guard let policy = try await policy(name) else {
            throw CustosError.badRequest("password policy \"\(name)\" does not exist")
        }
        do {
            return try policy.generate()
        } catch {
            throw CustosError(.internal, "failed to generate password from policy \"\(name)\": \(error.message)")
        }
    }

    /// `length = N` and `rule "charset" { charset = "..." min-chars = N }` blocks, in HCL or JSON.
    static func parse(_ text: String, checkGenerates: Bool = false) throws -> PasswordPolicy {
        let document: HCLObject
        do {
            document = try HCLDocument.parse(text)
            try document.checkKeys(allowed: ["length", "rule"])
        } catch {
            throw CustosError.badRequest("invalid password policy: \(error)")
        }
        var rules: [PasswordPolicyInput.Rule] = []
        let length: Int64?
        do {
            length = try document.uniqueAttribute("length")?.int()
            for block in try document.blocks(named: "rule", labels: 1) {
                try block.body.checkKeys(allowed: ["charset", "min-chars"])
                rules.append(.init(
                    type: block.labels[0], charset: try block.body.uniqueAttribute("charset")?.string(),
                    minChars: try block.body.uniqueAttribute("min-chars")?.int()))
            }
        } catch {
            throw CustosError.badRequest("invalid password policy: \(error)")
        }
        let input = PasswordPolicyInput(length: length, rules: rules)
        do {
            return checkGenerates ? try PasswordPolicy.validatedForWrite(input) : try PasswordPolicy(input)
        } catch {
            throw CustosError.badRequest(checkGenerates ? "invalid password policy: \(error.message)" : error.message)
        }
    }
}
