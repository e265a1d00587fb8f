package import CustosJSON
package import Foundation

/// A write-ahead record for crash-safe issuance: stored (`beginIssue`) before the engine creates
/// anything external, replaced by the lease (`register` under its id) or rolled back (registered expired).
/// A record found at start-up means the process died in between: it is rolled back by revoking
/// a lease built from it (`asLease`), so whatever the engine may have created is removed.
package struct PendingIssue: Codable, Sendable, Equatable {
    /// The id the lease will have.
    package var id: String
    package var mountAccessor: String
    package var tokenAccessor: String?
    package var createdTime: Date
    /// What the engine needs to undo the creation (e.g. the username it is about to create).
    package var secretData: JSONValue

    package init(id: String, mountAccessor: String, tokenAccessor: String?, createdTime: Date, secretData: JSONValue) {
        self.id = id
        self.mountAccessor = mountAccessor
        self.tokenAccessor = tokenAccessor
        self.createdTime = createdTime
        self.secretData = secretData
    }

    /// An already-expired, non-renewable lease carrying the record's data, for the revoker.
    package func asLease(expiringAt now: Date) -> LeaseEntry {
        LeaseEntry(
            id: id, issueTime: createdTime, expireTime: now, renewable: false,
            tokenAccessor: tokenAccessor, mountAccessor: mountAccessor, secretData: secretData)
    }
}
