import Foundation

extension SystemBackend {
    struct CapabilitiesParameters: Decodable {
        var token: String?
        var accessor: String?
        var path: CommaSeparatedList?
        var paths: CommaSeparatedList?
    }

    /// Vault's answer: one key per path, plus `capabilities` when a single path was asked.
    struct CapabilitiesAnswer: Encodable {
        var byPath: [String: [String]]

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: DynamicKey.self)
            for (path, names) in byPath { try c.encode(names, forKey: DynamicKey(path)) }
            if byPath.count == 1, let only = byPath.first {
                try c.encode(only.value, forKey: DynamicKey("capabilities"))
            }
        }
    }

    /// `sys/capabilities` (any token, by `token`), `-self` (the caller) and `-accessor`; nil for
    /// other paths.
    func capabilitiesPath(_ request: LogicalRequest, caller: RequestCaller, runtime: Runtime) async throws -> LogicalResponse? {
        let kind = request.path
        guard ["sys/capabilities", "sys/capabilities-self", "sys/capabilities-accessor"].contains(kind) else { return nil }
        try Self.require(request, [.update, .create])
        let params = try request.decode(CapabilitiesParameters.self)
        let paths = (params.paths?.values ?? []) + (params.path?.values ?? [])
        guard !paths.isEmpty else { throw CustosError.badRequest("missing paths") }
        let entry: TokenEntry
        switch kind {
        case "sys/capabilities-self":
            entry = caller.entry
        case "sys/capabilities":
            guard let token = params.token, !token.isEmpty else { throw CustosError.badRequest("missing token") }
            guard let found = try await runtime.tokens.lookup(token) else { throw CustosError.badRequest("invalid token") }
            entry = found
        default:
            guard let accessor = params.accessor, !accessor.isEmpty else { throw CustosError.badRequest("missing accessor") }
            guard let found = try await runtime.tokens.lookup(accessor: accessor) else {
                throw CustosError.badRequest("invalid accessor")
            }
            entry = found
        }
        let acl = try await runtime.policies.acl(for: entry.policies)
        var byPath: [String: [String]] = [:]
        for path in paths { byPath[path] = acl.capabilityNames(on: path) }
        return LogicalResponse(data: CapabilitiesAnswer(byPath: byPath), shape: .envelopeWithTopLevelData)
    }
}

/// A JSON key chosen at run time (paths as keys).
struct DynamicKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
