package import VaultAPI

/// What a path answers. The HTTP layer wraps `data` in Vault's envelope
/// (`request_id`, `lease_id`, `data`, `warnings`, ...), or sends it bare for the few
/// `sys/` endpoints that Vault answers without an envelope (`sys/health`, `sys/seal-status`, ...).
package struct LogicalResponse: Sendable {
    package enum Shape: Sendable {
        /// Vault's envelope with `data`.
        case envelope
        /// The envelope, with `data`'s keys also copied to the top level (Vault's legacy
        /// `sys/mounts`, `sys/key-status`, ... shape that old clients read).
        case envelopeWithTopLevelData
        /// `data` is the whole body.
        case bare
    }

    package var data: (any Encodable & Sendable)?
    package var warnings: [String]
    package var shape: Shape
    /// An explicit status; nil means 200 with a body, 204 without.
    package var statusCode: Int?
    /// Lease information for secrets (filled by the lease machinery).
    package var leaseID: String
    package var leaseDuration: Int64
    package var renewable: Bool
    /// Vault's `auth` block (token creation and renewal).
    package var auth: AuthBlock?
    /// A secret to lease (engines set it; the core registers the lease and fills `leaseID`,
    /// `leaseDuration` and `renewable`).
    package var secret: ResponseSecret?

    package init(
        data: (any Encodable & Sendable)? = nil,
        warnings: [String] = [],
        shape: Shape = .envelope,
        statusCode: Int? = nil,
        leaseID: String = "",
        leaseDuration: Int64 = 0,
        renewable: Bool = false,
        auth: AuthBlock? = nil,
        secret: ResponseSecret? = nil
    ) {
        self.auth = auth
        self.secret = secret
        self.data = data
        self.warnings = warnings
        self.shape = shape
        self.statusCode = statusCode
        self.leaseID = leaseID
        self.leaseDuration = leaseDuration
        self.renewable = renewable
    }

    /// A write that answers nothing: HTTP 204.
    package static let noContent = LogicalResponse()
}
