import Foundation

/// Write-ahead records for an engine's side effects outside Custos that are not leases (a root
/// password rotated in a database, a static role's new password): written before the side
/// effect with what is needed to settle it, removed once its outcome is stored. A record left by
/// a crash is found by `pending` and settled by the engine before it uses what the record names.
/// Records live in the engine's own storage, so they are barrier-encrypted like the rest.
package struct EngineWriteAheadLog: Sendable {
    let storage: any StorageBackend
    static let prefix = "wal/"

    package init(storage: any StorageBackend) { self.storage = storage }

    /// Stores `record` under `kind/<subject>` (one pending record per subject), replacing an older one.
    package func begin<Record: Codable>(_ kind: String, subject: String, _ record: Record) async throws {
        try await storage.put(Self.key(kind, subject), try JSONEncoder().encode(record))
    }

    package func pending<Record: Codable>(_ kind: String, subject: String, as type: Record.Type) async throws -> Record? {
        guard let data = try await storage.get(Self.key(kind, subject)) else { return nil }
        return try JSONDecoder().decode(Record.self, from: data)
    }

    package func end(_ kind: String, subject: String) async throws {
        try await storage.delete(Self.key(kind, subject))
    }

    /// Subjects with a pending record of `kind`.
    package func subjects(_ kind: String) async throws -> [String] {
        try await storage.list(prefix: Self.prefix + kind + "/").filter { !$0.hasSuffix("/") }
    }

    static func key(_ kind: String, _ subject: String) -> String { prefix + kind + "/" + subject }
}
