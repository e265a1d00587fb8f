import Foundation
import Synchronization

/// Token entries already decoded, keyed by salted id and valid only for the exact bytes they were
/// decoded from: every request presents a token, and decoding its JSON each time was a visible
/// share of a cached read. The stored bytes stay the authority (the barrier's cache answers them,
/// invalidated by every write), so a changed or revoked entry is never answered from here.
final class DecodedTokenCache: Sendable {
    private struct Decoded {
        var bytes: Data
        var entry: TokenEntry
    }

    private let entries = Mutex<[String: Decoded]>([:])
    private let maxEntries: Int

    init(maxEntries: Int = 4096) {
        self.maxEntries = maxEntries
    }

    func entry(_ saltedID: String, bytes: Data) throws -> TokenEntry {
        if let hit = entries.withLock({ $0[saltedID] }), hit.bytes == bytes { return hit.entry }
        let entry = try JSONDecoder().decode(TokenEntry.self, from: bytes)
        entries.withLock { entries in
            // A plain bound: past it, start over (hot tokens come back on their next request).
            if entries.count >= maxEntries { entries.removeAll(keepingCapacity: true) }
            entries[saltedID] = Decoded(bytes: bytes, entry: entry)
        }
        return entry
    }

    func forget(_ saltedID: String) {
        _ = entries.withLock { $0.removeValue(forKey: saltedID) }
    }
}
