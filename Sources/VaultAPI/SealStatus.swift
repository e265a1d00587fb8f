/// `GET sys/seal-status`, also the answer to `PUT sys/unseal`: encoded by the server, decoded by
/// the CLI. Properties in Vault's field order. Optional where another server may leave a field
/// out; Custos always sends every field but the cluster's while sealed, `commit_date` and
/// `ha_enabled`.
package struct SealStatus: Codable, Sendable, Equatable {
    package var type: String?
    package var initialized: Bool
    package var sealed: Bool
    package var threshold: Int
    package var shares: Int
    package var progress: Int
    package var nonce: String?
    package var version: String?
    package var buildDate: String?
    package var migration: Bool?
    package var clusterName: String?
    package var clusterID: String?
    package var recoverySeal: Bool?
    package var storageType: String?
    package var commitDate: String?
    package var haEnabled: Bool?

    enum CodingKeys: String, CodingKey {
        case type, initialized, sealed
        case threshold = "t", shares = "n"
        case progress, nonce, version
        case buildDate = "build_date", migration
        case clusterName = "cluster_name", clusterID = "cluster_id"
        case recoverySeal = "recovery_seal", storageType = "storage_type"
        case commitDate = "commit_date", haEnabled = "ha_enabled"
    }

    package init(
        type: String?, initialized: Bool, sealed: Bool, threshold: Int, shares: Int, progress: Int,
        nonce: String?, version: String?, buildDate: String?, migration: Bool?,
        clusterName: String? = nil, clusterID: String? = nil, recoverySeal: Bool?, storageType: String?,
        commitDate: String? = nil, haEnabled: Bool? = nil
    ) {
        self.type = type
        self.initialized = initialized
        self.sealed = sealed
        self.threshold = threshold
        self.shares = shares
        self.progress = progress
        self.nonce = nonce
        self.version = version
        self.buildDate = buildDate
        self.migration = migration
        self.clusterName = clusterName
        self.clusterID = clusterID
        self.recoverySeal = recoverySeal
        self.storageType = storageType
        self.commitDate = commitDate
        self.haEnabled = haEnabled
    }
}
