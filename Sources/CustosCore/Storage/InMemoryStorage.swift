package import Foundation
import Synchronization

/// A storage backend in process memory, for unit tests and dev experiments. Listing is a linear
/// filter over all keys, which is fine at test sizes.
///
/// Entries are keyed by the key's UTF-8 bytes, like SQLite: Swift's String equality would merge
/// canonically equivalent keys ("é" and "e\u{301}") that SQLite keeps apart.
package final class InMemoryStorage: StorageBackend {
    private let entries = Mutex<[Data: Data]>([:])

    package init() {}

    package func get(_ key: String) async throws -> Data? {
        try StorageKeyRules.validateKey(key)
        return entries.withLock { $0[Data(key.utf8)] }
    }

    package func put(_ key: String, _ value: Data) async throws {
        try StorageKeyRules.validateKey(key)
        entries.withLock { $0[Data(key.utf8)] = value }
    }

    package func delete(_ key: String) async throws {
        try StorageKeyRules.validateKey(key)
        _ = entries.withLock { $0.removeValue(forKey: Data(key.utf8)) }
    }

    package func list(prefix: String) async throws -> [String] {
        try StorageKeyRules.validatePrefix(prefix)
        let keys = allKeys()
        return StorageKeyRules.directChildren(
            of: prefix, keysUnderPrefix: keys.lazy.filter { $0.utf8.starts(with: prefix.utf8) })
    }

    package func scan(prefix: String) async throws -> [String] {
        try StorageKeyRules.validatePrefix(prefix)
        let keys = allKeys()
        return keys.lazy
            .filter { $0.utf8.starts(with: prefix.utf8) }
            .map { String(Substring($0.utf8.dropFirst(prefix.utf8.count))) }
            .sorted(by: StorageKeyOrder.precedes)
    }

    package func transaction(_ operations: [StorageOperation]) async throws {
        // Validate everything first so a bad key leaves the store untouched.
        for operation in operations {
            try StorageKeyRules.validateKey(operation.key)
        }
        entries.withLock { entries in
            for operation in operations {
                switch operation {
                case .put(let key, let value): entries[Data(key.utf8)] = value
                case .delete(let key): entries.removeValue(forKey: Data(key.utf8))
                }
            }
        }
    }

    private func allKeys() -> [String] {
        entries.withLock { entries in entries.keys.map { String(decoding: $0, as: UTF8.self) } }
    }
}
