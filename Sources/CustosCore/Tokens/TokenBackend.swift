import Foundation

/// The token store's paths below `auth/token/`, as Vault serves them. One file per family:
/// creation (`+Create`), lookups (`+Lookup`), renewal and revocation (`+Lifecycle`).
struct TokenBackend {
    static let mountPath = "auth/token/"

    let core: Core
    let tokens: TokenStore
    let policies: PolicyStore
    let caller: RequestCaller

    func handle(_ request: LogicalRequest, relativePath path: String) async throws -> LogicalResponse {
        switch path {
        case "create": return try await create(request, orphan: false)
        case "create-orphan": return try await create(request, orphan: true)
        case "lookup": return try await lookup(request)
        case "lookup-self": return try await lookupSelf(request)
        case "lookup-accessor": return try await lookupAccessor(request)
        case "accessors", "accessors/": return try await listAccessors(request)
        case "renew": return try await renew(request)
        case "renew-self": return try await renewSelf(request)
        case "revoke": return try await revoke(request)
        case "revoke-self": return try await revokeSelf(request)
        case "revoke-orphan": return try await revokeOrphan(request)
        case "revoke-accessor": return try await revokeAccessor(request)
        case "renew-accessor": return try await renewAccessor(request)
        default:
            throw CustosError(.notFound, "no handler for route \"\(Self.mountPath)\(path)\". route entry not found.")
        }
    }

    /// The body or query parameter `token`/`accessor`, required.
    static func requiredString(_ value: String?, name: String) throws(CustosError) -> String {
        guard let value, !value.isEmpty else { throw CustosError.badRequest(name == "token" ? "missing token ID" : "missing \(name)") }
        return value
    }
}

/// A list parameter Vault also accepts as one comma-separated string (`policies=a,b`).
package struct CommaSeparatedList: Decodable, Sendable {
    package var values: [String]
    package init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let list = try? c.decode([String].self) {
            values = list
        } else if let text = try? c.decode(String.self) {
            values = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        } else {
            throw DecodingError.typeMismatch(
                [String].self, .init(codingPath: decoder.codingPath, debugDescription: "expected a list of strings"))
        }
        values = values.filter { !$0.isEmpty }
    }
}
