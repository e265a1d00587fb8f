import Foundation
import VaultAPI

extension TokenBackend {
    struct TokenParameter: Decodable { var token: String? }
    struct AccessorParameter: Decodable { var accessor: String? }

    /// `lookup`: POST with `token`; a GET without one looks up the caller (as Vault).
    func lookup(_ request: LogicalRequest) async throws -> LogicalResponse {
        try SystemBackend.require(request, [.read, .update, .create])
        let token = try request.decode(TokenParameter.self).token ?? ""
        if token.isEmpty, request.operation == .read { return try await lookupSelf(request) }
        let given = try Self.requiredString(token, name: "token")
        guard let entry = try await tokens.lookup(given) else { throw CustosError(.permissionDenied, "bad token") }
        return LogicalResponse(data: TokenLookupData(entry, id: given, now: tokens.clock.now))
    }

    func lookupSelf(_ request: LogicalRequest) async throws -> LogicalResponse {
        try SystemBackend.require(request, [.read, .update, .create])
        let token = request.clientToken ?? ""
        // A use-limited token is re-read: this request used one of its uses, and on its last use
        // Vault shows `num_uses` -1. Any other entry is as authorisation just read it.
        let entry = caller.entry.numUses == 0 ? caller.entry : (try await tokens.storedEntry(token) ?? caller.entry)
        return LogicalResponse(data: TokenLookupData(entry, id: token, now: tokens.clock.now))
    }

    func lookupAccessor(_ request: LogicalRequest) async throws -> LogicalResponse {
        try SystemBackend.require(request, [.update, .create])
        let accessor = try Self.requiredString(try request.decode(AccessorParameter.self).accessor, name: "accessor")
        guard let entry = try await tokens.lookup(accessor: accessor) else { throw CustosError.badRequest("invalid accessor") }
        return LogicalResponse(data: TokenLookupData(entry, id: "", now: tokens.clock.now))
    }

    /// LIST `accessors` (sudo): every live token's accessor.
    func listAccessors(_ request: LogicalRequest) async throws -> LogicalResponse {
        try SystemBackend.require(request, [.list])
        return LogicalResponse(data: KeyList(keys: try await tokens.accessors()))
    }
}
