import Foundation

/// What the expiration manager asks of secrets engines; the core implements it by routing on
/// `lease.mountAccessor` to the mount's engine (`CoreLeaseRevoker`).
/// Both calls must be idempotent: after a crash a revocation may be repeated.
package protocol LeaseRevoker: Sendable {
    func revoke(_ lease: LeaseEntry) async throws
    /// Extends the external credential to `ttl` from now (e.g. PostgreSQL `VALID UNTIL`).
    func renew(_ lease: LeaseEntry, ttl: VaultDuration) async throws
}

/// Turns an engine error into text that may be stored and shown (`lastError`). Only error types
/// whose messages are secret-free by contract are quoted; anything else is named by type.
package protocol SecretFreeErrorMessage: Error {
    var secretFreeMessage: String { get }
}

enum RevocationErrorMessage {
    static func describe(_ error: any Error) -> String {
        switch error {
        case let error as any SecretFreeErrorMessage: error.secretFreeMessage
        case let error as LeaseError: error.message
        case let error as CustosError: error.description
        case let error as StorageError: error.description
        case is CancellationError: "the revocation was cancelled"
        default: "engine error of type \(type(of: error))"
        }
    }
}
