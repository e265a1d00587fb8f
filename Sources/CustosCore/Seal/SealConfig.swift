import Foundation

/// How the unseal key was split. Stored in plain text (it holds no secret) at `core/seal-config`,
/// outside the barrier, because it must be readable while sealed.
package struct SealConfig: Codable, Sendable, Equatable {
    package var type: String = "shamir"
    package var secretShares: Int
    package var secretThreshold: Int

    package static let storageKey = "core/seal-config"
    package static let rootKeyStorageKey = "core/root-key"
}

/// What `sys/init` hands back once, and never again.
package struct InitResult: Sendable {
    package var keys: [[UInt8]]
    package var rootToken: String
}
