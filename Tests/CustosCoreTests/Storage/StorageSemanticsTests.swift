import CustosCore
import Foundation
import Testing

/// Behaviour every backend shares, run against each of them.
@Suite("Storage backend semantics")
struct StorageSemanticsTests {
    @Test(arguments: StorageKind.allCases)
    func putGetDeleteRoundTrip(kind: StorageKind) async throws {
        let (storage, directory) = try kind.make()
        defer { withExtendedLifetime(directory) {} }

        #expect(try await storage.get("a/b") == nil)
        try await storage.put("a/b", Data("one".utf8))
        #expect(try await storage.get("a/b") == Data("one".utf8))
        try await storage.put("a/b", Data("two".utf8))
        #expect(try await storage.get("a/b") == Data("two".utf8))
        try await storage.put("empty", Data())
        #expect(try await storage.get("empty") == Data())
        try await storage.delete("a/b")
        #expect(try await storage.get("a/b") == nil)
        // Deleting a missing key is not an error.
        try await storage.delete("a/b")
        try await storage.delete("never/written")
    }

    @Test(arguments: StorageKind.allCases)
    func listReturnsDirectChildrenSortedAndDeduplicated(kind: StorageKind) async throws {
        let (storage, directory) = try kind.make()
        defer { withExtendedLifetime(directory) {} }
        for key in ["a/c/d", "a/b", "a/c/e", "a/c/f/g", "a/b/x", "ab", "b", "z/y/x", "a/b-1"] {
            try await storage.put(key, Data(key.utf8))
        }

        #expect(try await storage.list(prefix: "a/") == ["b", "b-1", "b/", "c/"])
        #expect(try await storage.list(prefix: "") == ["a/", "ab", "b", "z/"])
        #expect(try await storage.list(prefix: "a/c/") == ["d", "e", "f/"])
        #expect(try await storage.list(prefix: "a/c/f/") == ["g"])
        #expect(try await storage.list(prefix: "nothing/") == [])
        // A prefix that isn't a folder matches the start of names (Vault semantics).
        #expect(try await storage.list(prefix: "a/b") == ["", "-1", "/"])
        #expect(try await storage.list(prefix: "a") == ["/", "b"])
    }

    @Test(arguments: StorageKind.allCases)
    func listSortsByUTF8Bytes(kind: StorageKind) async throws {
        let (storage, directory) = try kind.make()
        defer { withExtendedLifetime(directory) {} }
        // Swift's String `<` would put "é" (U+00E9) and "e\u{301}" together; bytes do not.
        let names = ["Z", "a", "é", "e\u{301}", "😀", "~", "-", "0"]
        for name in names {
            try await storage.put("p/" + name, Data())
        }
        let expected = names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        #expect(try await storage.list(prefix: "p/") == expected)
        #expect(try await storage.scan(prefix: "p/") == expected)
    }

    @Test(arguments: StorageKind.allCases)
    func listStaysCorrectAfterDeletes(kind: StorageKind) async throws {
        let (storage, directory) = try kind.make()
        defer { withExtendedLifetime(directory) {} }
        try await storage.put("f/x/1", Data())
        try await storage.put("f/x/2", Data())
        try await storage.put("f/y", Data())
        try await storage.delete("f/x/1")
        #expect(try await storage.list(prefix: "f/") == ["x/", "y"])
        try await storage.delete("f/x/2")
        #expect(try await storage.list(prefix: "f/") == ["y"])
    }

    @Test(arguments: StorageKind.allCases)
    func scanReturnsEveryKeyRecursivelyRelativeToThePrefix(kind: StorageKind) async throws {
        let (storage, directory) = try kind.make()
        defer { withExtendedLifetime(directory) {} }
        for key in ["leases/db/creds/r/1", "leases/db/creds/r/2", "leases/kv/x", "leases/top", "other/k"] {
            try await storage.put(key, Data("value".utf8))
        }
        #expect(
            try await storage.scan(prefix: "leases/")
                == ["db/creds/r/1", "db/creds/r/2", "kv/x", "top"])
        #expect(try await storage.scan(prefix: "leases/db/") == ["creds/r/1", "creds/r/2"])
        #expect(try await storage.scan(prefix: "missing/") == [])
        #expect(try await storage.scan(prefix: "").count == 5)
    }

    @Test(arguments: StorageKind.allCases)
    func transactionAppliesPutsAndDeletesTogether(kind: StorageKind) async throws {
        let (storage, directory) = try kind.make()
        defer { withExtendedLifetime(directory) {} }
        try await storage.put("t/old", Data("old".utf8))
        try await storage.transaction([
            .put("t/new", Data("new".utf8)),
            .delete("t/old"),
            .put("t/other", Data("1".utf8)),
            .put("t/other", Data("2".utf8)),  // later operations win
            .delete("t/missing"),
        ])
        #expect(try await storage.get("t/new") == Data("new".utf8))
        #expect(try await storage.get("t/old") == nil)
        #expect(try await storage.get("t/other") == Data("2".utf8))
        #expect(try await storage.list(prefix: "t/") == ["new", "other"])
    }

    @Test(arguments: StorageKind.allCases)
    func transactionWithAnInvalidKeyChangesNothing(kind: StorageKind) async throws {
        let (storage, directory) = try kind.make()
        defer { withExtendedLifetime(directory) {} }
        try await storage.put("t/keep", Data("keep".utf8))
        let error = await #expect(throws: StorageError.self) {
            try await storage.transaction([.put("t/a", Data()), .delete("t/keep"), .put("bad/", Data())])
        }
        #expect(error?.code == .invalidKey)
        #expect(try await storage.get("t/a") == nil)
        #expect(try await storage.get("t/keep") == Data("keep".utf8))
    }

    @Test(arguments: StorageKind.allCases)
    func invalidKeysAreRefused(kind: StorageKind) async throws {
        let (storage, directory) = try kind.make()
        defer { withExtendedLifetime(directory) {} }
        for key in ["", "folder/", "nul\u{0}byte", "max\u{10FFFF}scalar"] {
            let error = await #expect(throws: StorageError.self) { try await storage.put(key, Data()) }
            #expect(error?.code == .invalidKey)
            await #expect(throws: StorageError.self) { _ = try await storage.get(key) }
        }
        await #expect(throws: StorageError.self) { _ = try await storage.list(prefix: "x\u{10FFFF}") }
    }

    @Test(arguments: StorageKind.allCases)
    func concurrentWritersAndReadersSeeEveryWrite(kind: StorageKind) async throws {
        let (storage, directory) = try kind.make()
        defer { withExtendedLifetime(directory) {} }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<8 {
                group.addTask {
                    for index in 0..<25 {
                        try await storage.put("c/\(writer)/\(index)", Data("\(writer)-\(index)".utf8))
                        _ = try await storage.list(prefix: "c/")
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await storage.scan(prefix: "c/").count == 200)
        #expect(try await storage.get("c/7/24") == Data("7-24".utf8))
    }
}
