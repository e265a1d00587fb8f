package import Foundation

/// A physical or logical key -> bytes map. Implemented by the SQLite and in-memory backends, by
/// the encrypting `Barrier` and by `StorageView` (a prefix-restricted window on another backend).
package protocol StorageBackend: Sendable {
    func get(_ key: String) async throws -> Data?
    func put(_ key: String, _ value: Data) async throws
    /// Deleting a missing key is not an error.
    func delete(_ key: String) async throws
    /// Keys directly under `prefix` (Vault semantics): "a/b" and "a/c/d" under "a/" -> ["b", "c/"],
    /// sorted (by UTF-8 bytes), deduplicated. Prefix "" lists the top level.
    func list(prefix: String) async throws -> [String]
    /// Every key under `prefix`, recursively, relative to `prefix` and sorted by UTF-8 bytes.
    /// Keys only: values are never loaded.
    func scan(prefix: String) async throws -> [String]
    /// All-or-nothing batch.
    func transaction(_ operations: [StorageOperation]) async throws
}

package enum StorageOperation: Sendable, Equatable {
    case put(String, Data)
    case delete(String)

    package var key: String {
        switch self {
        case .put(let key, _), .delete(let key): key
        }
    }
}

package struct StorageError: Error, Sendable, CustomStringConvertible {
    package enum Code: Sendable, Equatable {
        case io
        case corrupt
        case invalidKey
    }

    package var code: Code
    /// Never contains a stored value.
    package var message: String

    package init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { "storage error (\(code)): \(message)" }
}

extension StorageBackend {
    /// Generic recursive walk over `list`; backends that can do better (SQLite: one range query)
    /// override it.
    package func scan(prefix: String) async throws -> [String] {
        var result: [String] = []
        var pendingFolders: [String] = [""]
        while let folder = pendingFolders.popLast() {
            for entry in try await list(prefix: prefix + folder) {
                if entry.hasSuffix("/") {
                    pendingFolders.append(folder + entry)
                } else {
                    result.append(folder + entry)
                }
            }
        }
        return result.sorted(by: StorageKeyOrder.precedes)
    }

    /// A window on this backend restricted to `prefix`.
    package func view(prefix: String) -> StorageView {
        StorageView(backend: self, prefix: prefix)
    }
}
