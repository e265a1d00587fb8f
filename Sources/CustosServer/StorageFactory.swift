package import CustosCore

/// Opens the physical storage a configuration names.
package enum StorageFactory {
    package static func open(_ storage: ServerConfiguration.Storage) throws -> any StorageBackend {
        switch storage {
        case .sqlite(let path): return try SQLiteStorage(path: path)
        case .inMemory: return InMemoryStorage()
        }
    }
}
