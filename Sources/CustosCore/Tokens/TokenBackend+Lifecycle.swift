import Foundation
import VaultAPI

extension TokenBackend {
    struct RenewParameters: Decodable {
        var token: String?
        var increment: VaultDuration?
    }

    func renew(_ request: LogicalRequest) async throws -> LogicalResponse {
        try SystemBackend.require(request, [.update, .create])
        let params = try request.decode(RenewParameters.self)
        let token = try Self.requiredString(params.token, name: "token")
        guard let entry = try await tokens.lookup(token) else { throw CustosError.badRequest("token not found") }
        return try await renew(entry, token: token, increment: params.increment)
    }

    func renewSelf(_ request: LogicalRequest) async throws -> LogicalResponse {
        try SystemBackend.require(request, [.update, .create])
        let params = try request.decode(RenewParameters.self)
        return try await renew(caller.entry, token: request.clientToken ?? "", increment: params.increment)
    }

    private func renew(_ entry: TokenEntry, token: String, increment: VaultDuration?) async throws -> LogicalResponse {
        let renewal = try await tokens.renew(entry, increment: increment?.seconds, maxTTL: ttls.maxTTL)
        return LogicalResponse(
            warnings: renewal.warning.map { [$0] } ?? [],
            auth: AuthBlock(clientToken: token, entry: renewal.entry, leaseDuration: renewal.ttl))
    }

    /// `revoke`: the token and its whole subtree. An unknown token is not an error (Vault).
    func revoke(_ request: LogicalRequest) async throws -> LogicalResponse {
        try SystemBackend.require(request, [.update, .create])
        let token = try Self.requiredString(try request.decode(TokenParameter.self).token, name: "token")
        if let entry = try await tokens.lookup(token) {
            try await tokens.revokeTree(saltedID: entry.saltedID)
        }
        return .noContent
    }

    func revokeSelf(_ request: LogicalRequest) async throws -> LogicalResponse {
        try SystemBackend.require(request, [.update, .create])
        try await tokens.revokeTree(saltedID: caller.entry.saltedID)
        return .noContent
    }

    /// `revoke-orphan` (sudo): the token only; its children become orphans.
    func revokeOrphan(_ request: LogicalRequest) async throws -> LogicalResponse {
        try SystemBackend.require(request, [.update, .create])
        guard caller.hasSudo else { throw CustosError.badRequest("root or sudo privileges required to revoke and orphan") }
        let token = try Self.requiredString(try request.decode(TokenParameter.self).token, name: "token")
        guard let entry = try await tokens.lookup(token) else {
            throw CustosError.badRequest("token to revoke not found")
        }
        try await tokens.revokeOrphan(saltedID: entry.saltedID)
        return .noContent
    }

    struct RenewAccessorParameters: Decodable {
        var accessor: String?
        var increment: VaultDuration?
    }

    /// `renew-accessor`: renews the token behind an accessor; the answer never shows the token.
    func renewAccessor(_ request: LogicalRequest) async throws -> LogicalResponse {
        try SystemBackend.require(request, [.update, .create])
        let params = try request.decode(RenewAccessorParameters.self)
        let accessor = try Self.requiredString(params.accessor, name: "accessor")
        guard let entry = try await tokens.lookup(accessor: accessor) else { throw CustosError.badRequest("invalid accessor") }
        return try await renew(entry, token: "", increment: params.increment)
    }

    /// An accessor whose token is already gone is a success with Vault's warning, so that a
    /// retried revocation does not fail.
    func revokeAccessor(_ request: LogicalRequest) async throws -> LogicalResponse {
        try SystemBackend.require(request, [.update, .create])
        let accessor = try Self.requiredString(try request.decode(AccessorParameter.self).accessor, name: "accessor")
        guard let entry = try await tokens.lookup(accessor: accessor) else {
            return LogicalResponse(warnings: ["No token found with this accessor"])
        }
        try await tokens.revokeTree(saltedID: entry.saltedID)
        return .noContent
    }
}
