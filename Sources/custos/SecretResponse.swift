import CustosJSON
import Foundation

/// Vault's response envelope (`api.Secret`): the shape every logical path answers with.
struct SecretResponse: Codable, Sendable {
    var requestID: String?
    var leaseID: String?
    var leaseDuration: Int?
    var renewable: Bool?
    var data: [String: JSONValue]?
    var warnings: [String]?
    /// Kept raw so `-format=json` shows every field the server sent; `authBlock` is the typed view.
    var auth: JSONValue?
    var wrapInfo: JSONValue?

    enum CodingKeys: String, CodingKey {
        case requestID = "request_id"
        case leaseID = "lease_id"
        case leaseDuration = "lease_duration"
        case renewable, data, warnings, auth
        case wrapInfo = "wrap_info"
    }

    /// Fields in the order the Vault CLI prints them with `-format=json` (Go struct order;
    /// `auth` and `wrap_info` only when present).
    var orderedJSONFields: [(String, JSONValue)] {
        var fields: [(String, JSONValue)] = [
            ("request_id", .string(requestID ?? "")),
            ("lease_id", .string(leaseID ?? "")),
            ("lease_duration", .int(Int64(leaseDuration ?? 0))),
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

/// The `auth` block a login or token creation returns.
struct AuthBlock: Codable, Sendable {
    var clientToken: String?
    var accessor: String?
    var policies: [String]?
    var tokenPolicies: [String]?
    var identityPolicies: [String]?
    var metadata: [String: String]?
    var leaseDuration: Int?
    var renewable: Bool?

    enum CodingKeys: String, CodingKey {
        case clientToken = "client_token"
        case accessor, policies, metadata, renewable
        case tokenPolicies = "token_policies"
        case identityPolicies = "identity_policies"
        case leaseDuration = "lease_duration"
    }

    /// Field order of Vault's `auth` block in `-format=json`.
    static let jsonKeyOrder = [
        "client_token", "accessor", "policies", "token_policies", "identity_policies", "metadata",
        "orphan", "entity_id", "lease_duration", "renewable", "mfa_requirement",
    ]
}

/// The answer to `LIST`: `data.keys`.
struct ListResponse: Decodable, Sendable {
    struct Keys: Decodable, Sendable { var keys: [String]? }
    var data: Keys?
}
