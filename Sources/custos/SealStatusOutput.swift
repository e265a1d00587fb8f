import CustosJSON
import NIOHTTP1
import VaultAPI

extension SealStatus {
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
    func sealStatus() async throws -> DecodedResponse<SealStatus> {
        try await decodeKeepingRaw(SealStatus.self, .GET, "sys/seal-status")
    }
}

extension Output {
    func sealStatus(_ status: DecodedResponse<SealStatus>) {
        switch format {
        case .json: json(.object(status.raw), keyOrder: SealStatus.jsonKeyOrder)
        case .table: line(TableRendering.keyValue(status.value.tableRows))
        }
    }
}
