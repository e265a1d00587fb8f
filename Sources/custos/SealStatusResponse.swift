import NIOHTTP1

/// `GET /v1/sys/seal-status` (also the answer to `PUT /v1/sys/unseal`).
struct SealStatusResponse: Decodable, Sendable {
    var type: String?
    var initialized: Bool
    var sealed: Bool
    var threshold: Int
    var shares: Int
    var progress: Int
    var nonce: String?
    var version: String?
    var buildDate: String?
    var commitDate: String?
    var migration: Bool?
    var recoverySeal: Bool?
    var storageType: String?
    var haEnabled: Bool?
    var clusterName: String?
    var clusterID: String?

    enum CodingKeys: String, CodingKey {
        case type, initialized, sealed, progress, nonce, version, migration
        case threshold = "t"
        case shares = "n"
        case buildDate = "build_date"
        case commitDate = "commit_date"
        case recoverySeal = "recovery_seal"
        case storageType = "storage_type"
        case haEnabled = "ha_enabled"
        case clusterName = "cluster_name"
        case clusterID = "cluster_id"
    }

    /// Key order of Vault's `-format=json` output (its Go struct); extra keys follow, sorted.
    static let jsonKeyOrder = [
        "type", "initialized", "sealed", "t", "n", "progress", "nonce", "version", "build_date",
        "commit_date", "migration", "cluster_name", "cluster_id", "recovery_seal", "storage_type",
        "ha_enabled",
    ]

    /// The rows of `vault status`.
    var tableRows: [(String, String)] {
        var rows: [(String, String)] = [
            ("Seal Type", type ?? "shamir"),
            ("Initialized", String(initialized)),
            ("Sealed", String(sealed)),
            ("Total Shares", String(shares)),
            ("Threshold", String(threshold)),
        ]
        if sealed {
            rows.append(("Unseal Progress", "\(progress)/\(threshold)"))
            rows.append(("Unseal Nonce", nonce ?? ""))
        }
        if migration == true {
            rows.append(("Seal Migration in Progress", "true"))
        }
        rows.append(("Version", version ?? ""))
        if let buildDate, !buildDate.isEmpty { rows.append(("Build Date", buildDate)) }
        if let commitDate, !commitDate.isEmpty { rows.append(("Commit Date", commitDate)) }
        rows.append(("Storage Type", storageType ?? ""))
        if let clusterName, !clusterName.isEmpty, let clusterID, !clusterID.isEmpty {
            rows.append(("Cluster Name", clusterName))
            rows.append(("Cluster ID", clusterID))
        }
        if let haEnabled { rows.append(("HA Enabled", String(haEnabled))) }
        return rows
    }
}

extension APIClient {
    func sealStatus() async throws -> DecodedResponse<SealStatusResponse> {
        try await decodeKeepingRaw(SealStatusResponse.self, .GET, "sys/seal-status")
    }
}

extension Output {
    func sealStatus(_ status: DecodedResponse<SealStatusResponse>) {
        switch format {
        case .json: json(.object(status.raw), keyOrder: SealStatusResponse.jsonKeyOrder)
        case .table: line(TableRendering.keyValue(status.value.tableRows))
        }
    }
}
