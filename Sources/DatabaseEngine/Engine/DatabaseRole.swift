import CustosCore
import CustosJSON
import Foundation

/// A dynamic role (`roles/<name>`) as stored.
struct DatabaseRole: Codable, Sendable, Equatable {
    var dbName: String
    var defaultTTL: Int64 = 0
    var maxTTL: Int64 = 0
    var creationStatements: [String] = []
    var revocationStatements: [String] = []
    var rollbackStatements: [String] = []
    var renewStatements: [String] = []
    var credentialType: String = "password"
    var credentialConfig: [String: JSONValue] = [:]

    static func storageKey(_ name: String) -> String { "role/" + name }

    /// What `roles/<name>` answers, in Vault's field names.
    struct Shown: Encodable {
        var db_name: String
        var default_ttl: Int64
        var max_ttl: Int64
        var creation_statements: [String]
        var revocation_statements: [String]
        var rollback_statements: [String]
        var renew_statements: [String]
        var credential_type: String
        var credential_config: [String: JSONValue]?
    }

    var shown: Shown {
        Shown(
            db_name: dbName, default_ttl: defaultTTL, max_ttl: maxTTL, creation_statements: creationStatements,
            revocation_statements: revocationStatements, rollback_statements: rollbackStatements,
            renew_statements: renewStatements, credential_type: credentialType,
            credential_config: credentialConfig.isEmpty ? nil : credentialConfig)
    }
}

/// What a dynamic credential's lease keeps (barrier-encrypted with the lease) to renew and revoke
/// it later: never the password.
struct CredentialLeaseData: Codable, Sendable, Equatable {
    var connection: String
    var role: String
    var username: String

    init(connection: String, role: String, username: String) {
        self.connection = connection
        self.role = role
        self.username = username
    }
}
