import CustosCore
import Foundation
import Testing

@Suite("SQLite storage")
struct SQLiteStorageTests {
    @Test func valuesSurviveReopening() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("custos.db")
        do {
            let storage = try SQLiteStorage(path: path)
            try await storage.put("sys/a", Data([0, 1, 2, 255]))
            try await storage.transaction([.put("sys/b", Data("b".utf8)), .put("sys/c/d", Data())])
        }
        let reopened = try SQLiteStorage(path: path)
        #expect(try await reopened.get("sys/a") == Data([0, 1, 2, 255]))
        #expect(try await reopened.list(prefix: "sys/") == ["a", "b", "c/"])
    }

    @Test func usesWALWithFullSynchronousWrites() async throws {
        let directory = try TemporaryDirectory()
        let storage = try SQLiteStorage(path: directory.file("custos.db"))
        let settings = try await storage.durabilitySettings()
        #expect(settings.journalMode == "wal")
        #expect(settings.synchronous == 2)  // FULL
    }

    @Test func createsPrivateDirectoriesAndFiles() async throws {
        let directory = try TemporaryDirectory()
        let nested = directory.file("data/custos")
        let path = nested + "/custos.db"
        let storage = try SQLiteStorage(path: path)
        try await storage.put("k", Data("v".utf8))

        #expect(try permissions(of: directory.file("data")) == 0o700)
        #expect(try permissions(of: nested) == 0o700)
        #expect(try permissions(of: path) == 0o600)
        #expect(FileManager.default.fileExists(atPath: path + "-wal"))
        #expect(try permissions(of: path + "-wal") == 0o600)
    }

    @Test func prefixQueriesSearchTheKeyIndexWithoutReadingTheTable() async throws {
        let directory = try TemporaryDirectory()
        let storage = try SQLiteStorage(path: directory.file("custos.db"))
        let plan = try await storage.rangeQueryPlan()
        // e.g. "SEARCH kv USING COVERING INDEX sqlite_autoindex_kv_1 (key>? AND key<?)"
        #expect(plan.contains("SEARCH"))
        #expect(plan.contains("COVERING INDEX"))
        #expect(plan.contains("key>? AND key<?"))
        #expect(!plan.contains("SCAN"))
    }

    @Test func scansAndListsOneHundredThousandKeys() async throws {
        let directory = try TemporaryDirectory()
        let storage = try SQLiteStorage(path: directory.file("custos.db"))
        let value = Data(repeating: 0xAB, count: 64)
        for batch in 0..<100 {
            try await storage.transaction((0..<1000).map { index in
                .put("leases/db/creds/role\(batch % 10)/\(batch)-\(index)", value)
            })
        }
        try await storage.put("leases/zz", value)
        try await storage.put("other/x", value)

        let all = try await storage.scan(prefix: "leases/")
        #expect(all.count == 100_001)
        #expect(all.first == "db/creds/role0/0-0")
        #expect(all.last == "zz")
        #expect(zip(all, all.dropFirst()).allSatisfy { $0.utf8.lexicographicallyPrecedes($1.utf8) })

        // Listing skips whole subtrees: 100k nested keys still give the few direct children.
        #expect(try await storage.list(prefix: "") == ["leases/", "other/"])
        #expect(try await storage.list(prefix: "leases/") == ["db/", "zz"])
        #expect(try await storage.list(prefix: "leases/db/creds/").count == 10)
        #expect(try await storage.list(prefix: "leases/db/creds/role3/").count == 10_000)
    }

    @Test func openingAFileThatIsNotADatabaseFailsAsCorrupt() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("not-a-db")
        let garbage = Data("this is definitely not an sqlite database, marker-4711 ".utf8)
        try Data((0..<100).flatMap { _ in garbage }).write(to: URL(fileURLWithPath: path))

        let error = #expect(throws: StorageError.self) { try SQLiteStorage(path: path) }
        #expect(error?.code == .corrupt)
        #expect(error?.message.contains("marker-4711") == false)
    }

    @Test func openingUnderAFileFailsWithAnIOError() throws {
        let directory = try TemporaryDirectory()
        try Data().write(to: URL(fileURLWithPath: directory.file("plain-file")))
        let error = #expect(throws: StorageError.self) {
            try SQLiteStorage(path: directory.file("plain-file/custos.db"))
        }
        #expect(error?.code == .io)
    }

    private func permissions(of path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return try #require(attributes[.posixPermissions] as? Int) & 0o777
    }
}
