import Crypto
import Foundation

/// Tokens, stored under the barrier by the HMAC of their id with a per-cluster salt, so neither the
/// storage nor a backup of it reveals a usable token.
///
/// This is the part of the token store the foundation needs (root tokens). Child tokens, TTLs and
/// policies build on it.
package final class TokenStore: Sendable {
    private let storage: any StorageBackend
    private let salt: EncryptionKey

    static let saltKey = "sys/token/salt"
    static let idPrefix = "sys/token/id/"
    static let accessorPrefix = "sys/token/accessor/"

    private init(storage: any StorageBackend, salt: EncryptionKey) {
        self.storage = storage
        self.salt = salt
    }

    /// Loads the salt, creating it on first use.
    package static func open(storage: any StorageBackend) async throws -> TokenStore {
        if let existing = try await storage.get(saltKey) {
            guard let salt = EncryptionKey(bytes: existing) else {
                throw CustosError(.internal, "the token salt is corrupt")
            }
            return TokenStore(storage: storage, salt: salt)
        }
        let salt = EncryptionKey.random()
        try await storage.put(saltKey, salt.symmetricKey.withUnsafeBytes { Data($0) })
        return TokenStore(storage: storage, salt: salt)
    }

    func saltedID(_ token: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(token.utf8), using: salt.symmetricKey)
        return mac.map { String(format: "%02x", $0) }.joined()
    }

    /// Creates a root token; `id` lets dev mode choose it (`-dev-root-token-id`).
    package func createRootToken(id: String? = nil) async throws -> String {
        let token = id ?? TokenID.generate()
        guard !token.isEmpty else { throw CustosError.badRequest("a token id cannot be empty") }
        let entry = TokenEntry(
            accessor: TokenID.generate(prefix: ""),
            policies: ["root"],
            displayName: "root",
            path: "auth/token/root",
            creationTime: Date(),
            ttl: 0,
            meta: [:]
        )
        let hashed = saltedID(token)
        try await storage.transaction([
            .put(Self.idPrefix + hashed, try JSONEncoder().encode(entry)),
            .put(Self.accessorPrefix + entry.accessor, Data(hashed.utf8)),
        ])
        return token
    }

    package func lookup(_ token: String) async throws -> TokenEntry? {
        guard !token.isEmpty, let data = try await storage.get(Self.idPrefix + saltedID(token)) else { return nil }
        return try JSONDecoder().decode(TokenEntry.self, from: data)
    }
}
