import Crypto
import Foundation
import Synchronization

/// A renewed token, the TTL granted and Vault's warning when a limit capped it.
package struct TokenRenewal: Sendable {
    package var entry: TokenEntry
    package var ttl: Int64
    package var warning: String?
}

/// Tokens, stored under the barrier by the HMAC of their id with a per-cluster salt, so neither the
/// storage nor a backup of it reveals a usable token. Accessors index the same entries; a parent
/// index (`parent/<parent>/<child>`) lets a revocation walk the subtree.
package final class TokenStore: Sendable {
    private let storage: any StorageBackend
    private let salt: EncryptionKey
    /// The core's clock: tests move it instead of sleeping.
    package let clock: any CoreClock
    /// Token changes (use counts, renewals, revocations) are read-modify-write: one at a time.
    private let changes = AsyncSerialLock()
    private let decoded = DecodedTokenCache()
    /// Keeps tokens' own leases and revokes the leases of revoked tokens; installed by the core.
    /// Called after the token change and outside the change lock, so slow engines do not hold
    /// up token changes.
    private let leaseObserver = Mutex<(any TokenLeaseObserver)?>(nil)

    static let saltKey = "sys/token/salt"
    static let idPrefix = "sys/token/id/"
    static let accessorPrefix = "sys/token/accessor/"
    static let parentPrefix = "sys/token/parent/"

    private init(storage: any StorageBackend, salt: EncryptionKey, clock: any CoreClock) {
        self.storage = storage
        self.salt = salt
        self.clock = clock
    }

    /// Loads the salt, creating it on first use.
    package static func open(storage: any StorageBackend, clock: any CoreClock) async throws -> TokenStore {
        if let existing = try await storage.get(saltKey) {
            guard let salt = EncryptionKey(bytes: existing) else {
                throw CustosError(.internal, "the token salt is corrupt")
            }
            return TokenStore(storage: storage, salt: salt, clock: clock)
        }
        let salt = EncryptionKey.random()
        try await storage.put(saltKey, salt.symmetricKey.withUnsafeBytes { Data($0) })
        return TokenStore(storage: storage, salt: salt, clock: clock)
    }

    package func observeLeases(_ observer: any TokenLeaseObserver) {
        leaseObserver.withLock { $0 = observer }
    }

    private var observer: (any TokenLeaseObserver)? { leaseObserver.withLock { $0 } }

    private func revokeLeases(of entries: [TokenEntry]) async {
        guard !entries.isEmpty, let observer else { return }
        await observer.tokensRevoked(entries)
    }

    /// What an accessor's index entry holds (encrypted): the token's salted id and the accessor
    /// itself, since the key is salted too (Vault's `accessor/<salted>`).
    private struct AccessorRecord: Codable {
        var saltedID: String
        var accessor: String
    }

    private func accessorKey(_ accessor: String) -> String {
        Self.accessorPrefix + saltedID("accessor/" + accessor)
    }

    func saltedID(_ token: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(token.utf8), using: salt.symmetricKey)
        return Hex.encode(mac)
    }

    /// Creates a root token; `id` lets dev mode choose it (`-dev-root-token-id`).
    package func createRootToken(id: String? = nil) async throws -> String {
        let entry = TokenEntry(
            accessor: "", policies: ["root"], displayName: "root", path: "auth/token/root",
            creationTime: clock.now, ttl: 0, meta: [:])
        return try await create(entry, id: id).token
    }

    /// Stores a new token and returns it (the only time it exists in clear) with its entry, whose
    /// accessor and salted id are filled here; `id` chooses the token (dev root token only). The
    /// entry is the one stored: the caller answers from it, since a lookup could already find a
    /// very short TTL run out.
    package func create(_ template: TokenEntry, id: String? = nil) async throws -> (token: String, entry: TokenEntry) {
        let token = id ?? TokenID.generate()
        guard !token.isEmpty else { throw CustosError.badRequest("a token id cannot be empty") }
        var entry = template
        entry.saltedID = saltedID(token)
        if id != nil, try await stored(entry.saltedID) != nil {
            throw CustosError.badRequest("cannot create a token with a duplicate ID")
        }
        if entry.accessor.isEmpty { entry.accessor = TokenID.generate(prefix: "") }
        var operations: [StorageOperation] = [
            .put(Self.idPrefix + entry.saltedID, try JSONEncoder().encode(entry)),
            .put(accessorKey(entry.accessor), try JSONEncoder().encode(AccessorRecord(saltedID: entry.saltedID, accessor: entry.accessor))),
        ]
        if !entry.isOrphan {
            operations.append(.put(Self.parentPrefix + entry.parentSaltedID + "/" + entry.saltedID, Data()))
        }
        try await storage.transaction(operations)
        if let observer {
            do {
                try await observer.tokenCreated(entry)
            } catch {
                // A token whose expiry nobody runs must not exist.
                _ = try? await changes.withLock { try await remove(saltedID: entry.saltedID) }
                throw error
            }
        }
        return (token, entry)
    }

    /// The live entry for a token; nil when unknown, revoked or expired (an expired token, or one
    /// below an expired parent, is revoked on the spot).
    package func lookup(_ token: String) async throws -> TokenEntry? {
        guard !token.isEmpty else { return nil }
        return try await live(saltedID: saltedID(token))
    }

    /// The entry as stored, used up or not (no expiry check): what `lookup-self` shows.
    package func storedEntry(_ token: String) async throws -> TokenEntry? {
        guard !token.isEmpty else { return nil }
        return try await stored(saltedID(token))
    }

    package func lookup(accessor: String) async throws -> TokenEntry? {
        guard !accessor.isEmpty, let data = try await storage.get(accessorKey(accessor)) else { return nil }
        return try await live(saltedID: try JSONDecoder().decode(AccessorRecord.self, from: data).saltedID)
    }

    /// Whether the token is still stored (not yet revoked), live or not: a used-up or expired
    /// token exists until its revocation, which then revokes its leases.
    package func exists(accessor: String) async throws -> Bool {
        guard !accessor.isEmpty else { return false }
        return try await storage.get(accessorKey(accessor)) != nil
    }

    private func stored(_ saltedID: String) async throws -> TokenEntry? {
        guard let data = try await storage.get(Self.idPrefix + saltedID) else {
            decoded.forget(saltedID)
            return nil
        }
        return try decoded.entry(saltedID, bytes: data)
    }

    private func live(saltedID: String) async throws -> TokenEntry? {
        guard let entry = try await stored(saltedID), !entry.isUsedUp else { return nil }
        let now = clock.now
        if entry.isExpired(at: now) {
            try await revokeTree(saltedID: entry.saltedID)
            return nil
        }
        // Revoking a parent revokes its children, so a child must not outlive an expired ancestor.
        var ancestorID = entry.parentSaltedID
        var depth = 0
        while !ancestorID.isEmpty, depth < 64 {
            // A parent revoked while this child was being created leaves the child dangling.
            guard let ancestor = try await stored(ancestorID) else {
                try await revokeTree(saltedID: entry.saltedID)
                return nil
            }
            if ancestor.isExpired(at: now) {
                try await revokeTree(saltedID: ancestor.saltedID)
                return nil
            }
            ancestorID = ancestor.parentSaltedID
            depth += 1
        }
        return entry
    }

    /// Counts one use of a use-limited token. Returns false when no use was left (refuse the
    /// request); a token whose last use this is is marked used up, to be revoked by the caller
    /// once the request ends.
    package func consumeUse(of entry: TokenEntry) async throws -> (allowed: Bool, lastUse: Bool) {
        guard entry.numUses != 0 else { return (true, false) }
        return try await changes.withLock {
            guard var current = try await stored(entry.saltedID), current.numUses > 0 else { return (false, false) }
            current.numUses = current.numUses == 1 ? -1 : current.numUses - 1
            try await storage.put(Self.idPrefix + current.saltedID, try JSONEncoder().encode(current))
            return (true, current.numUses == -1)
        }
    }

    /// Extends a token's life from now: by `increment` (else its creation TTL), by its period for
    /// a periodic token. A non-periodic token never lives past `creation time + min(explicit max
    /// TTL, maxTTL)`; a periodic one past `creation time + explicit max TTL` (Vault: a period
    /// escapes the system maximum, that is its point). A capped renewal carries Vault's warning;
    /// a token already at its cap cannot be renewed.
    package func renew(_ entry: TokenEntry, increment: Int64?, maxTTL: Int64) async throws -> TokenRenewal {
        let renewal = try await changes.withLock { () async throws -> TokenRenewal in
            guard var current = try await stored(entry.saltedID) else { throw CustosError.badRequest("token not found") }
            guard current.renewable, current.expireTime != nil else { throw CustosError.badRequest("lease is not renewable") }
            let now = clock.now
            let periodic = current.period > 0
            let requested = periodic ? current.period : (increment.flatMap { $0 > 0 ? $0 : nil } ?? current.ttl)
            let limits = periodic ? [current.explicitMaxTTL] : [current.explicitMaxTTL, maxTTL]
            var ttl = requested
            var warning: String?
            if let limit = limits.filter({ $0 > 0 }).min() {
                let latest = current.creationTime.addingTimeInterval(TimeInterval(limit))
                let left = latest.timeIntervalSince(now)
                guard left > 0 else { throw CustosError.badRequest("past the max TTL, cannot renew") }
                if TimeInterval(requested) > left {
                    let shown = VaultDuration(seconds: Int64(left.rounded(.down)))
                    warning = "TTL of \"\(VaultDuration(seconds: requested))\" exceeded the effective max_ttl of \"\(shown)\"; TTL value is capped accordingly"
                    current.expireTime = latest
                    ttl = shown.seconds
                } else {
                    current.expireTime = now.addingTimeInterval(TimeInterval(requested))
                }
            } else {
                current.expireTime = now.addingTimeInterval(TimeInterval(requested))
            }
            current.lastRenewalTime = now
            try await storage.put(Self.idPrefix + current.saltedID, try JSONEncoder().encode(current))
            // Inside the lock: two renewals of one token must not race on its lease.
            try await observer?.tokenRenewed(current)
            return TokenRenewal(entry: current, ttl: ttl, warning: warning)
        }
        return renewal
    }

    /// Revokes a token and, depth first, every token below it. Under the change lock, so that a
    /// concurrent renewal or use count cannot write a revoked entry back.
    package func revokeTree(saltedID: String) async throws {
        let removed = try await changes.withLock { try await revokeTreeLocked(saltedID: saltedID) }
        await revokeLeases(of: removed)
    }

    /// Returns the tokens removed, whose leases go next.
    private func revokeTreeLocked(saltedID: String) async throws -> [TokenEntry] {
        var removed: [TokenEntry] = []
        let children = try await storage.list(prefix: Self.parentPrefix + saltedID + "/")
        for child in children where !child.hasSuffix("/") {
            removed += try await revokeTreeLocked(saltedID: child)
        }
        if let entry = try await remove(saltedID: saltedID) { removed.append(entry) }
        return removed
    }

    /// Revokes only this token; its children become orphans (Vault's `revoke-orphan`).
    package func revokeOrphan(saltedID: String) async throws {
        let removed = try await changes.withLock { () async throws -> TokenEntry? in
            let children = try await storage.list(prefix: Self.parentPrefix + saltedID + "/")
            for child in children where !child.hasSuffix("/") {
                guard var entry = try await stored(child) else { continue }
                entry.parentSaltedID = ""
                try await storage.transaction([
                    .put(Self.idPrefix + child, try JSONEncoder().encode(entry)),
                    .delete(Self.parentPrefix + saltedID + "/" + child),
                ])
            }
            return try await remove(saltedID: saltedID)
        }
        await revokeLeases(of: removed.map { [$0] } ?? [])
    }

    @discardableResult
    private func remove(saltedID: String) async throws -> TokenEntry? {
        guard let entry = try await stored(saltedID) else { return nil }
        var operations: [StorageOperation] = [
            .delete(Self.idPrefix + saltedID),
            .delete(accessorKey(entry.accessor)),
        ]
        if !entry.isOrphan { operations.append(.delete(Self.parentPrefix + entry.parentSaltedID + "/" + saltedID)) }
        try await storage.transaction(operations)
        return entry
    }

    /// Revokes every expired token (with its subtree); returns how many were found expired. The
    /// expiration manager revokes tokens on time through their leases and presented tokens are
    /// checked on every request; this periodic safety net catches a token without a lease (one
    /// stored by a version before token leases, or a crash between the token and its lease).
    @discardableResult
    package func revokeExpired() async throws -> Int {
        let now = clock.now
        var expired = 0
        for key in try await storage.scan(prefix: Self.idPrefix) {
            guard let entry = try await stored(key), entry.isExpired(at: now) else { continue }
            try await revokeTree(saltedID: key)
            expired += 1
        }
        return expired
    }

    /// Revokes, with their subtrees, the tokens whose lease path (`<creation path>/...`, e.g.
    /// `auth/token/create/...`) lies under `prefix` (`sys/leases/revoke-prefix`). The prefix is a
    /// path prefix: `auth/token/create` does not reach `auth/token/create-orphan`.
    @discardableResult
    package func revoke(pathPrefix prefix: String) async throws -> Int {
        let normalized = prefix.hasSuffix("/") ? prefix : prefix + "/"
        let (revoked, removed) = try await changes.withLock { () async throws -> (Int, [TokenEntry]) in
            var revoked = 0
            var removed: [TokenEntry] = []
            for key in try await storage.scan(prefix: Self.idPrefix) {
                guard let entry = try await stored(key), (entry.path + "/").hasPrefix(normalized) else { continue }
                removed += try await revokeTreeLocked(saltedID: key)
                revoked += 1
            }
            return (revoked, removed)
        }
        await revokeLeases(of: removed)
        return revoked
    }

    /// Every live token's accessor (`LIST auth/token/accessors`).
    package func accessors() async throws -> [String] {
        var accessors: [String] = []
        for key in try await storage.list(prefix: Self.accessorPrefix) where !key.hasSuffix("/") {
            guard let data = try await storage.get(Self.accessorPrefix + key) else { continue }
            accessors.append(try JSONDecoder().decode(AccessorRecord.self, from: data).accessor)
        }
        return accessors.sorted()
    }
}
