package import CustosJSON
package import Foundation

/// One audit record before a device formats it: values in clear. Each device renders it with its
/// own salt and options (`AuditFormatter`), which decide what becomes `hmac-sha256:...`.
/// Field names and their order follow Vault's audit entries.
package struct AuditEntry: Sendable {
    package enum Kind: String, Sendable {
        case request, response
    }

    package var time: Date
    package var kind: Kind
    /// The caller's token as the request presented it; nil for a request without one.
    package var auth: AuditAuth?
    package var request: AuditRequest
    package var response: AuditResponse?
    /// Why the request failed (Vault: the error text); nil on success.
    package var error: String?
}

/// Vault's `auth` block: the token behind a request, or the token a response creates.
package struct AuditAuth: Sendable, Equatable {
    /// Secret: always HMAC-ed unless the device logs raw.
    package var clientToken: String?
    /// HMAC-ed when the device has `hmac_accessor` (the default).
    package var accessor: String?
    package var displayName: String?
    package var policies: [String]?
    package var tokenPolicies: [String]?
    /// Whether the ACL allowed the request (Vault's `policy_results.allowed`); nil in a response's auth.
    package var allowed: Bool?
    /// The token's metadata, in clear as in Vault (it names the app, it is no secret).
    package var metadata: [String: String]?
    package var entityID: String?
    /// Vault writes `default` when no token was resolved.
    package var tokenType: String
    package var tokenTTL: Int64?
    package var tokenIssueTime: Date?

    package init(tokenType: String = "default") {
        self.tokenType = tokenType
    }

    package init(entry: TokenEntry, clientToken: String?, allowed: Bool?) {
        self.clientToken = clientToken
        accessor = entry.accessor.isEmpty ? nil : entry.accessor
        displayName = entry.displayName
        policies = entry.policies
        tokenPolicies = entry.policies
        self.allowed = allowed
        metadata = entry.meta.isEmpty ? nil : entry.meta
        tokenType = "service"
        tokenTTL = entry.ttl > 0 ? entry.ttl : nil
        tokenIssueTime = entry.creationTime
    }
}

/// Where a request went: the mount that served it (Vault's `mount_*` fields).
package struct AuditMount: Sendable, Equatable {
    package var point: String
    package var type: String
    package var accessor: String?

    package init(point: String, type: String, accessor: String?) {
        self.point = point
        self.type = type
        self.accessor = accessor
    }
}

/// Vault's `request` block.
package struct AuditRequest: Sendable {
    package var id: String
    package var operation: LogicalOperation
    package var mount: AuditMount?
    /// Secret: HMAC-ed unless raw.
    package var clientToken: String?
    /// HMAC-ed when the device has `hmac_accessor`.
    package var clientTokenAccessor: String?
    package var path: String
    /// The request's data; every string in it is HMAC-ed unless raw.
    package var data: [String: JSONValue]?
    package var remoteAddress: String?
    package var remotePort: Int?
}

/// Vault's `response` block.
package struct AuditResponse: Sendable {
    /// A token the response creates (its `client_token` is HMAC-ed like the caller's).
    package var auth: AuditAuth?
    package var mount: AuditMount?
    /// In clear, as in Vault: the lease id names the secret without being it.
    package var leaseID: String?
    /// Every string in it is HMAC-ed unless raw, except those under `clearKeys`.
    package var data: JSONValue?
    /// Keys of `data` whose string values stay in clear (the engine's declaration, e.g. the
    /// database engine's `username`).
    package var clearKeys: Set<String> = []
    package var warnings: [String] = []
}
