package import CustosJSON
package import Foundation

/// One lease: a secret handed out by an engine that must be revoked when it ends. Stored as JSON
/// through the barrier (see `LeaseStorageLayout`); `secretData` is the engine's internal data
/// needed to renew or revoke (e.g. the database username) and is never logged.
package struct LeaseEntry: Codable, Sendable, Equatable {
    /// `<mount path><request path>/<random id>`, e.g. `database/creds/readonly/Xb3...`.
    package var id: String
    package var issueTime: Date
    package var expireTime: Date
    package var lastRenewalTime: Date?
    package var renewable: Bool
    /// The owning token, by accessor; nil for leases no token owns.
    package var tokenAccessor: String?
    /// Routes renew/revoke to the engine and bounds revocation concurrency per mount.
    package var mountAccessor: String
    package var secretData: JSONValue
    package var revocation: LeaseRevocationState
    /// Set after `RevocationRetryPolicy.maxAttempts` failures: the lease leaves the expiry queue
    /// and is listed until an operator retries or force-revokes it.
    package var irrevocable: Bool
    /// The role's max TTL at issue, capping renewals (with the mount's and the system's).
    package var maxTTL: VaultDuration?

    package init(
        id: String, issueTime: Date, expireTime: Date, lastRenewalTime: Date? = nil, renewable: Bool,
        tokenAccessor: String?, mountAccessor: String, secretData: JSONValue,
        revocation: LeaseRevocationState = LeaseRevocationState(), irrevocable: Bool = false,
        maxTTL: VaultDuration? = nil
    ) {
        self.maxTTL = maxTTL
        self.id = id
        self.issueTime = issueTime
        self.expireTime = expireTime
        self.lastRenewalTime = lastRenewalTime
        self.renewable = renewable
        self.tokenAccessor = tokenAccessor
        self.mountAccessor = mountAccessor
        self.secretData = secretData
        self.revocation = revocation
        self.irrevocable = irrevocable
    }

    /// When the expiration manager must act next: the expiry, or the next retry once a
    /// revocation has failed; nil for an irrevocable lease (it waits for an operator).
    package var scheduledTime: Date? {
        if irrevocable { return nil }
        if revocation.attempts > 0, let next = revocation.nextAttemptTime { return next }
        return expireTime
    }

    /// Seconds left at `now`, never negative (Vault's `ttl` in lookups).
    package func remainingTTL(at now: Date) -> Int64 {
        max(0, Int64(expireTime.timeIntervalSince(now).rounded(.down)))
    }
}

/// Progress of revoking a lease whose engine call failed; stored with the lease so a restart
/// neither resets the attempt count nor retries sooner than the back-off allows.
package struct LeaseRevocationState: Codable, Sendable, Equatable {
    package var attempts: Int
    package var nextAttemptTime: Date?
    /// What the engine reported, free of secrets (see `RevocationErrorMessage`).
    package var lastError: String?

    package init(attempts: Int = 0, nextAttemptTime: Date? = nil, lastError: String? = nil) {
        self.attempts = attempts
        self.nextAttemptTime = nextAttemptTime
        self.lastError = lastError
    }
}
