import CustosJSON
import VaultAPI

/// The Key/Value rows of `vault read`: how an envelope flattens into a table.
enum SecretTable {
    static func rows(for secret: SecretResponse) -> [(String, String)] {
        var rows: [(String, String)] = []
        let leaseDuration = Int(secret.leaseDuration ?? 0)
        let leaseID = secret.leaseID ?? ""
        if leaseDuration > 0 {
            if !leaseID.isEmpty {
                rows.append(("lease_id", leaseID))
                rows.append(("lease_duration", DurationFormat.format(seconds: leaseDuration)))
                rows.append(("lease_renewable", String(secret.renewable ?? false)))
            } else {
                // KV answers with a TTL but no lease; Vault calls it a refresh interval.
                rows.append(("refresh_interval", DurationFormat.format(seconds: leaseDuration)))
            }
        } else if !leaseID.isEmpty {
            rows.append(("lease_id", leaseID))
        }
        if let auth = secret.authBlock {
            rows += authRows(auth)
        }
        if let data = secret.data {
            for key in data.keys.sorted() {
                rows.append((key, cell(key, data[key]!)))
            }
        }
        return rows
    }

    /// As Vault's table output: a field that looks like a TTL (`ttl`, `*_ttl`, `period`,
    /// `*_period`) and holds a whole number of seconds prints as a duration (`768h`, `9m59s`).
    static func cell(_ key: String, _ value: JSONValue) -> String {
        let looksLikeTTL = key == "ttl" || key.hasSuffix("_ttl") || key == "period" || key.hasSuffix("_period")
        if looksLikeTTL, let text = value.numberText, let seconds = Int(text), seconds >= 0 {
            return DurationFormat.format(seconds: seconds)
        }
        return GoValueRendering.render(value)
    }

    /// `showingToken` is false where the block was not a server's (login shows a lookup).
    static func authRows(_ auth: AuthBlock, showingToken: Bool = true) -> [(String, String)] {
        var rows: [(String, String)] = []
        if showingToken { rows.append(("token", auth.clientToken)) }
        rows.append(("token_accessor", auth.accessor))
        let duration = Int(auth.leaseDuration)
        rows.append(("token_duration", duration == 0 ? "∞" : DurationFormat.format(seconds: duration)))
        rows.append(("token_renewable", String(auth.renewable)))
        rows.append(("token_policies", goList(auth.tokenPolicies)))
        rows.append(("identity_policies", goList(auth.identityPolicies)))
        rows.append(("policies", goList(auth.policies)))
        for key in (auth.metadata ?? [:]).keys.sorted() {
            rows.append(("token_meta_\(key)", auth.metadata![key]!))
        }
        return rows
    }

    /// `-field` looks in the data first, then at the envelope's own fields.
    static func field(_ name: String, of secret: SecretResponse) -> JSONValue? {
        if let value = secret.data?[name] { return value }
        switch name {
        case "lease_id": return secret.leaseID.map { .string($0) }
        case "lease_duration", "refresh_interval": return secret.leaseDuration.map { .int($0) }
        case "lease_renewable", "renewable": return secret.renewable.map { .bool($0) }
        case "request_id": return secret.requestID.map { .string($0) }
        default: break
        }
        guard let auth = secret.authBlock else { return nil }
        switch name {
        case "token": return .string(auth.clientToken)
        case "token_accessor": return .string(auth.accessor)
        case "token_duration": return .int(auth.leaseDuration)
        case "token_renewable": return .bool(auth.renewable)
        case "token_policies": return auth.tokenPolicies.map { .array($0.map { .string($0) }) }
        case "policies": return auth.policies.map { .array($0.map { .string($0) }) }
        default: return nil
        }
    }

    /// Go's `%q` of a string list, which Vault uses for policies: `["default" "dev"]`.
    private static func goList(_ items: [String]?) -> String {
        "[" + (items ?? []).map(JSONRendering.quote).joined(separator: " ") + "]"
    }
}

extension SecretResponse {
    var hasContentForTable: Bool {
        !SecretTable.rows(for: self).isEmpty || !(warnings ?? []).isEmpty
    }
}
