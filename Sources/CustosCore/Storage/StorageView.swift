package import Foundation

/// A backend restricted to the keys under `prefix` of another backend. Engines get the view
/// `logical/<mount-uuid>/` of the barrier and see keys relative to it.
package struct StorageView: StorageBackend {
    package let backend: any StorageBackend
    package let prefix: String

    package init(backend: any StorageBackend, prefix: String) {
        self.backend = backend
        self.prefix = prefix
    }

    package func get(_ key: String) async throws -> Data? {
        try await backend.get(prefix + key)
    }

    package func put(_ key: String, _ value: Data) async throws {
        try await backend.put(prefix + key, value)
    }

    package func delete(_ key: String) async throws {
        try await backend.delete(prefix + key)
    }

    package func list(prefix subPrefix: String) async throws -> [String] {
        try await backend.list(prefix: prefix + subPrefix)
    }

    package func scan(prefix subPrefix: String) async throws -> [String] {
        try await backend.scan(prefix: prefix + subPrefix)
    }

    package func transaction(_ operations: [StorageOperation]) async throws {
        try await backend.transaction(operations.map { operation in
            switch operation {
            case .put(let key, let value): .put(prefix + key, value)
            case .delete(let key): .delete(prefix + key)
            }
        })
    }

    /// A view of a sub-prefix of this view, still backed by the original backend.
    package func view(prefix subPrefix: String) -> StorageView {
        StorageView(backend: backend, prefix: prefix + subPrefix)
    }
}
