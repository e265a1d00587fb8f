package import CustosJSON

/// Vault's response envelope, the shape every logical path answers with, in Vault's field
/// order. `Payload` is the `data`, `Auth` the `auth` block: the server encodes its own values
/// and `AuthBlock`; the CLI decodes `data` as JSON and keeps `auth` raw, so `-format=json` shows
/// every field the server sent. Every field is optional for the CLI (`mount_type` is newer
/// than some servers) and `null` when absent, as Vault writes it.
package struct SecretEnvelope<Payload, Auth> {
    @NullWhenAbsent package var requestID: String?
    @NullWhenAbsent package var leaseID: String?
    @NullWhenAbsent package var renewable: Bool?
    @NullWhenAbsent package var leaseDuration: Int64?
    @NullWhenAbsent package var data: Payload?
    /// Custos wraps no responses: it always sends `null`.
    @NullWhenAbsent package var wrapInfo: JSONValue?
    @NullWhenAbsent package var warnings: [String]?
    @NullWhenAbsent package var auth: Auth?
    @NullWhenAbsent package var mountType: String?

    enum CodingKeys: String, CodingKey {
        case requestID = "request_id", leaseID = "lease_id", renewable, leaseDuration = "lease_duration"
        case data, wrapInfo = "wrap_info", warnings, auth, mountType = "mount_type"
    }

    package init(
        requestID: String?, leaseID: String?, renewable: Bool?, leaseDuration: Int64?, data: Payload?,
        wrapInfo: JSONValue? = nil, warnings: [String]?, auth: Auth?, mountType: String?
    ) {
        self.requestID = requestID
        self.leaseID = leaseID
        self.renewable = renewable
        self.leaseDuration = leaseDuration
        self.data = data
        self.wrapInfo = wrapInfo
        self.warnings = warnings
        self.auth = auth
        self.mountType = mountType
    }
}

extension SecretEnvelope: Sendable where Payload: Sendable, Auth: Sendable {}
extension SecretEnvelope: Equatable where Payload: Equatable, Auth: Equatable {}
extension SecretEnvelope: Decodable where Payload: Decodable, Auth: Decodable {}

extension SecretEnvelope: Encodable where Payload: Encodable, Auth: Encodable {}
