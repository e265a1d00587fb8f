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

/// The answer of `sys/seal-status` and `sys/unseal`, in Vault's field names.
package struct SealStatus: Encodable, Sendable {
    var type: String
    var initialized: Bool
    var sealed: Bool
    var t: Int
    var n: Int
    var progress: Int
    var nonce: String
    var version: String
    var buildDate: String
    var migration: Bool
    var clusterName: String?
    var clusterId: String?
    var recoverySeal: Bool
    var storageType: String

    enum CodingKeys: String, CodingKey {
        case type, initialized, sealed, t, n, progress, nonce, version, migration
        case buildDate = "build_date", clusterName = "cluster_name", clusterId = "cluster_id"
        case recoverySeal = "recovery_seal", storageType = "storage_type"
    }
}

/// What `sys/init` hands back once, and never again.
package struct InitResult: Sendable {
    package var keys: [[UInt8]]
    package var rootToken: String
}
