extension SystemBackend {
    struct RevokePrefixParameters: Decodable {
        var sync: VaultBool?
    }

    /// `sys/leases/revoke-prefix/<prefix>` (and the legacy `sys/revoke-prefix/<prefix>`, sudo):
    /// revokes every lease under the prefix. Tokens are leases under `auth/token/<creation path>/`,
    /// revoked here with their subtrees; secret leases join when the engines issue them.
    func revokePrefix(_ prefix: String, _ request: LogicalRequest, runtime: Runtime) async throws -> LogicalResponse {
        try Self.require(request, [.update, .create])
        _ = try request.decode(RevokePrefixParameters.self)
        let trimmed = prefix.hasSuffix("/") ? String(prefix.dropLast()) : prefix
        guard !trimmed.isEmpty else { throw CustosError.badRequest("a prefix is required") }
        try await runtime.tokens.revoke(pathPrefix: trimmed)
        return .noContent
    }
}
