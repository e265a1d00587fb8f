import CustosCore
import Foundation
import PluginHost

/// The plugin catalog's storage seam, backed by the core's encrypted storage.
struct CatalogStorageAdapter: PluginCatalogStorage {
    let storage: any StorageBackend

    func get(_ key: String) async throws -> Data? { try await storage.get(key) }
    func put(_ key: String, _ value: Data) async throws { try await storage.put(key, value) }
    func delete(_ key: String) async throws { try await storage.delete(key) }
    func list(prefix: String) async throws -> [String] { try await storage.scan(prefix: prefix) }
}
