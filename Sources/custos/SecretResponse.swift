import CustosJSON
import Foundation
import VaultAPI

/// Vault's response envelope as the CLI reads it: `data` as JSON, `auth` kept raw so
/// `-format=json` shows every field the server sent (`authBlock` is the typed view).
typealias SecretResponse = SecretEnvelope<[String: JSONValue], JSONValue>

extension SecretResponse {
    /// Fields in the order the Vault CLI prints them with `-format=json` (Go struct order;
    /// `auth` and `wrap_info` only when present).
    var orderedJSONFields: [(String, JSONValue)] {
        var fields: [(String, JSONValue)] = [
            ("request_id", .string(requestID ?? "")),
            ("lease_id", .string(leaseID ?? "")),
            ("lease_duration", .int(leaseDuration ?? 0)),
            ("renewable", .bool(renewable ?? false)),
            ("data", data.map { .object($0) } ?? .null),
            ("warnings", warnings.map { .array($0.map { .string($0) }) } ?? .null),
        ]
        if let auth, auth != .null { fields.append(("auth", auth)) }
        if let wrapInfo, wrapInfo != .null { fields.append(("wrap_info", wrapInfo)) }
        return fields
    }

    var authBlock: AuthBlock? {
        guard let auth, auth != .null, let data = try? JSONEncoder().encode(auth) else { return nil }
        return try? JSONDecoder().decode(AuthBlock.self, from: data)
    }
}

extension AuthBlock {
    /// Field order of the Vault CLI's `auth` block in `-format=json` (Go's `api.SecretAuth`).
    static let jsonKeyOrder = [
        "client_token", "accessor", "policies", "token_policies", "identity_policies", "metadata",
        "orphan", "entity_id", "lease_duration", "renewable", "mfa_requirement",
    ]
}
