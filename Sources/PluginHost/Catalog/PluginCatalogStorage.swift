package import Foundation
import Synchronization

/// The catalog's persistence: bytes by key. The core adapts its encrypted barrier to this, so the
/// catalog never knows about storage engines or encryption.
package protocol PluginCatalogStorage: Sendable {
    func get(_ key: String) async throws -> Data?
    func put(_ key: String, _ value: Data) async throws
    func delete(_ key: String) async throws
    /// Keys that start with `prefix`, with the prefix removed.
    func list(prefix: String) async throws -> [String]
}

/// Storage for tests and for a server without persistence.
package final class InMemoryPluginCatalogStorage: PluginCatalogStorage {
    private let values = Mutex<[String: Data]>([:])

    package init() {}

    package func get(_ key: String) async throws -> Data? {
        values.withLock { $0[key] }
    }

    package func put(_ key: String, _ value: Data) async throws {
        values.withLock { $0[key] = value }
    }

    package func delete(_ key: String) async throws {
        _ = values.withLock { $0.removeValue(forKey: key) }
    }

    package func list(prefix: String) async throws -> [String] {
        values.withLock { values in
            values.keys.filter { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }.sorted()
        }
    }
}
