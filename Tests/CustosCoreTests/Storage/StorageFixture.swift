import CustosCore
import Foundation
import Testing

/// A fresh, empty directory under the system temporary directory, removed when released.
final class TemporaryDirectory: Sendable {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "custos-storage-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    func file(_ name: String) -> String { path + "/" + name }
}

/// The storage backends the shared semantics tests run against.
enum StorageKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case inMemory
    case sqlite

    var testDescription: String { rawValue }

    /// A new empty backend; keep the returned directory alive as long as the backend is used.
    func make() throws -> (backend: any StorageBackend, directory: TemporaryDirectory?) {
        switch self {
        case .inMemory:
            return (InMemoryStorage(), nil)
        case .sqlite:
            let directory = try TemporaryDirectory()
            return (try SQLiteStorage(path: directory.file("custos.db")), directory)
        }
    }
}
