package import CustosJSON
import Foundation

/// A secret an engine hands out (Vault's `logical.Secret`): the core turns it into a lease whose
/// id, duration and renewability the envelope carries (`lease_id`, `lease_duration`, `renewable`).
package struct ResponseSecret: Sendable {
    /// The TTL the request or the role asks for; nil or zero: the mount's default lease TTL.
    package var ttl: VaultDuration?
    /// The role's max TTL, kept with the lease so renewals stay capped by it.
    package var maxTTL: VaultDuration?
    package var renewable: Bool
    /// What the engine needs to renew or revoke (e.g. the username); stored through the barrier,
    /// never returned to the client.
    package var internalData: JSONValue
    /// The write-ahead record this secret completes (`LeaseIssuer.beginIssue`): the lease is
    /// stored under its id, which removes the record in the same transaction.
    package var ticket: IssueTicket?

    package init(ttl: VaultDuration? = nil, maxTTL: VaultDuration? = nil, renewable: Bool = true, internalData: JSONValue = .null) {
        self.ttl = ttl
        self.maxTTL = maxTTL
        self.renewable = renewable
        self.internalData = internalData
    }

    /// A secret whose internal data is the engine's own `Codable` struct, completing `ticket`.
    package init<Internal: Encodable>(
        ttl: VaultDuration? = nil, maxTTL: VaultDuration? = nil, renewable: Bool = true, keeping value: Internal, ticket: IssueTicket
    ) throws {
        self.init(ttl: ttl, maxTTL: maxTTL, renewable: renewable, internalData: try JSONValue(encoding: value))
        self.ticket = ticket
    }
}

/// A write-ahead record begun for a secret about to be created outside Custos.
package struct IssueTicket: Sendable, Hashable {
    package let leaseID: String
}

extension JSONValue {
    /// An engine's typed value as stored JSON.
    package init(encoding value: some Encodable) throws {
        self = try JSONDecoder().decode(JSONValue.self, from: try JSONEncoder().encode(value))
    }

    /// The stored JSON back as the engine's type; nil when it is not one.
    package func decoded<Value: Decodable>(as type: Value.Type) -> Value? {
        guard let data = try? JSONEncoder().encode(self) else { return nil }
        return try? JSONDecoder().decode(Value.self, from: data)
    }
}
