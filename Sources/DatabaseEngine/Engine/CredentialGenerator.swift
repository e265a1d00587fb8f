import CustosCore
import Foundation

/// Usernames and passwords for database credentials, made by the core as DESIGN.md requires: a
/// plugin only receives them. Usernames come from the connection's `username_template`, else the
/// plugin's default (its `Info`), else Vault's PostgreSQL default; passwords from the
/// connection's `password_policy`, else Vault's default policy.
struct CredentialGenerator: Sendable {
    let passwords: PasswordPolicyStore?
    /// The core's clock, for a template's `unix_time` and `timestamp`.
    let clock: any CoreClock

    /// The fields a database username template may read, as in Vault.
    static let templateFields = ["DisplayName", "RoleName"]

    static func validate(usernameTemplate text: String) throws(CustosError) {
        guard !text.isEmpty else { return }
        do {
            try UsernameTemplate(text).validate(availableFields: templateFields)
        } catch {
            throw .badRequest("invalid username_template: \(error.message)")
        }
    }

    func username(template: String, pluginDefault: String?, displayName: String, roleName: String) throws -> String {
        let text = !template.isEmpty ? template : (pluginDefault.flatMap { $0.isEmpty ? nil : $0 } ?? UsernameTemplate.Defaults.postgreSQL)
        do {
            return try UsernameTemplate(text).render(.init(data: ["DisplayName": displayName, "RoleName": roleName], now: clock.now))
        } catch {
            throw CustosError(.internal, "unable to generate username: \(error.message)")
        }
    }

    func password(policy: String) async throws -> String {
        guard let passwords else { return try PasswordPolicy.vaultDefault.generate() }
        return try await passwords.generate(policy: policy)
    }
}

extension DatabaseEngine {
    var credentials: CredentialGenerator { CredentialGenerator(passwords: context.passwords, clock: context.clock) }
}
