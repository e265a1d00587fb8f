import CustosJSON
import Foundation
import Logging

/// Tokens' own TTLs on the expiration manager, as in Vault: a token with an expiry has an auth
/// lease `<creation path>/<salted id>` (e.g. `auth/token/create/<hmac>`; never the token itself)
/// expiring with it. Its revocation (expiry, `sys/leases/revoke`, revoke-prefix) revokes the
/// token's subtree, which revokes their leases in turn.
struct TokenLeases: TokenLeaseObserver {
    /// The "mount" of token leases: routes their revocation to the token store.
    static let mountAccessor = "auth_token"

    let expiration: ExpirationManager
    let logger: Logger

    static func leaseID(of entry: TokenEntry) -> String { entry.path + "/" + entry.saltedID }

    /// The salted id a token lease belongs to: its id's last segment.
    static func saltedID(of lease: LeaseEntry) -> String {
        String(lease.id.split(separator: "/").last ?? "")
    }

    static func lease(of entry: TokenEntry, expiringAt expireTime: Date) -> LeaseEntry {
        LeaseEntry(
            id: leaseID(of: entry), issueTime: entry.creationTime, expireTime: expireTime,
            lastRenewalTime: entry.lastRenewalTime, renewable: entry.renewable, tokenAccessor: nil,
            mountAccessor: mountAccessor, secretData: .null)
    }

    func tokenCreated(_ entry: TokenEntry) async throws {
        guard let expireTime = entry.expireTime else { return }
        try await expiration.register(Self.lease(of: entry, expiringAt: expireTime))
    }

    func tokenRenewed(_ entry: TokenEntry) async throws {
        guard let expireTime = entry.expireTime else { return }
        do {
            try await expiration.extend(Self.leaseID(of: entry), to: expireTime)
        } catch let error as LeaseError where error.code == .notFound {
            // A token stored before token leases existed gets its lease now.
            try await expiration.register(Self.lease(of: entry, expiringAt: expireTime))
        }
    }

    func tokensRevoked(_ entries: [TokenEntry]) async {
        for entry in entries {
            if entry.expireTime != nil {
                do {
                    try await expiration.forget(Self.leaseID(of: entry))
                } catch {
                    // It expires later and finds the token gone: nothing left to do then.
                    logger.warning("could not remove a revoked token's lease", metadata: ["error_type": "\(type(of: error))"])
                }
            }
            guard !entry.accessor.isEmpty else { continue }
            do {
                let result = try await expiration.revokeByToken(entry.accessor)
                if !result.failed.isEmpty {
                    // They keep their expiry and are retried then; the token is gone either way.
                    logger.warning("leases of a revoked token could not be revoked now", metadata: [
                        "count": "\(result.failed.count)",
                    ])
                }
            } catch {
                logger.error("revoking a token's leases failed", metadata: ["error_type": "\(type(of: error))"])
            }
        }
    }
}
