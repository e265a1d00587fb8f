package import Foundation
import GRDB

/// The embedded default backend: one SQLite file, one table.
///
/// Durability: WAL journal with `synchronous=FULL`, so a write is fsynced to the WAL before it is
/// acknowledged and survives `kill -9` and power loss. A `DatabasePool` gives concurrent readers
/// beside the single writer. The table is a rowid table whose `key` primary key index covers
/// key-only queries, so listing and scanning read the index alone and never load values.
package final class SQLiteStorage: StorageBackend {
    private let pool: DatabasePool

    /// Opens (creating if needed) the database at `path`; missing directories are created 0700,
    /// a new file 0600.
    package init(path: String) throws {
        do {
            try SQLiteFileCreation.prepare(path: path)
            var configuration = Configuration()
            configuration.busyMode = .timeout(10)
            pool = try DatabasePool(path: path, configuration: configuration)
            // GRDB switches the writer to WAL with synchronous=NORMAL, which can lose the last
            // acknowledged commits on power loss; FULL fsyncs the WAL on every commit. The pool
            // keeps this one writer connection open, so setting it once is enough.
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = FULL")
            }
            try Self.migrator.migrate(pool)
        } catch {
            throw Self.storageError(error, operation: "open")
        }
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-kv") { db in
            try db.execute(sql: "CREATE TABLE kv (key TEXT NOT NULL PRIMARY KEY, value BLOB NOT NULL)")
        }
        return migrator
    }

    package func get(_ key: String) async throws -> Data? {
        try StorageKeyRules.validateKey(key)
        return try await access("get") {
            try await pool.read { db in
                try Data.fetchOne(db, sql: "SELECT value FROM kv WHERE key = ?", arguments: [key])
            }
        }
    }

    package func put(_ key: String, _ value: Data) async throws {
        try StorageKeyRules.validateKey(key)
        try await access("put") {
            try await pool.write { db in try Self.apply(.put(key, value), in: db) }
        }
    }

    package func delete(_ key: String) async throws {
        try StorageKeyRules.validateKey(key)
        try await access("delete") {
            try await pool.write { db in try Self.apply(.delete(key), in: db) }
        }
    }

    package func transaction(_ operations: [StorageOperation]) async throws {
        for operation in operations {
            try StorageKeyRules.validateKey(operation.key)
        }
        // GRDB's `write` wraps the block in one SQLite transaction: all or nothing.
        try await access("transaction") {
            try await pool.write { db in
                for operation in operations {
                    try Self.apply(operation, in: db)
                }
            }
        }
    }

    private static func apply(_ operation: StorageOperation, in db: Database) throws {
        switch operation {
        case .put(let key, let value):
            try db.execute(
                sql: "INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                arguments: [key, value])
        case .delete(let key):
            try db.execute(sql: "DELETE FROM kv WHERE key = ?", arguments: [key])
        }
    }

    package func list(prefix: String) async throws -> [String] {
        try StorageKeyRules.validatePrefix(prefix)
        return try await access("list") {
            try await pool.read { db in try SQLiteListing.directChildren(of: prefix, in: db) }
        }
    }

    package func scan(prefix: String) async throws -> [String] {
        try StorageKeyRules.validatePrefix(prefix)
        return try await access("scan") {
            try await pool.read { db in try SQLiteListing.allKeys(under: prefix, in: db) }
        }
    }

    /// SQLite's plan for the prefix range query, so tests can check it is an index range search
    /// rather than a full scan.
    package func rangeQueryPlan() async throws -> String {
        try await access("explain") {
            try await pool.read { db in
                let rows = try Row.fetchAll(
                    db, sql: "EXPLAIN QUERY PLAN " + SQLiteListing.rangeQuery, arguments: ["a/", "a/\u{10FFFF}"])
                return rows.map { $0["detail"] as String? ?? "" }.joined(separator: "\n")
            }
        }
    }

    /// The writer connection's journal mode and `synchronous` level (2 = FULL), for start-up
    /// checks and tests.
    package func durabilitySettings() async throws -> (journalMode: String, synchronous: Int) {
        try await access("pragma") {
            try await pool.writeWithoutTransaction { db in
                let journalMode = try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? ""
                let synchronous = try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1
                return (journalMode, synchronous)
            }
        }
    }

    private func access<T>(_ operation: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            throw Self.storageError(error, operation: operation)
        }
    }

    /// Maps to StorageError from result codes only: GRDB's own description can quote SQL and,
    /// with some configurations, bound arguments, i.e. stored values.
    private static func storageError(_ error: any Error, operation: String) -> StorageError {
        if let error = error as? StorageError { return error }
        if let error = error as? DatabaseError {
            let code: StorageError.Code =
                switch error.resultCode {
                case .SQLITE_CORRUPT, .SQLITE_NOTADB: .corrupt
                default: .io
                }
            return StorageError(
                code: code, message: "sqlite \(operation) failed: result code \(error.extendedResultCode.rawValue)")
        }
        return StorageError(code: .io, message: "sqlite \(operation) failed: \(type(of: error))")
    }
}
