@testable import CustosCore
import Testing

@Suite struct MountTableTests {
    func table(_ paths: String...) throws -> MountTable {
        var table = MountTable()
        for path in paths { try table.add(MountEntry(path: MountTable.normalize(path), type: "kv")) }
        return table
    }

    @Test func longestPrefixWins() throws {
        let table = try self.table("secret", "db/prod", "dbx")
        #expect(table.match("secret/a/b")?.path == "secret/")
        #expect(table.match("db/prod/creds/ro")?.path == "db/prod/")
        #expect(table.match("dbx/y")?.path == "dbx/")
        #expect(table.match("db/other") == nil)
        #expect(table.match("secretx/a") == nil)
        #expect(table.match("secret")?.path == "secret/")
    }

    @Test func normalizes() {
        #expect(MountTable.normalize("/kv/") == "kv/")
        #expect(MountTable.normalize("kv") == "kv/")
        #expect(MountTable.normalize("a/b//") == "a/b/")
        #expect(MountTable.normalize("/") == "")
    }

    @Test func refusesTakenNestedAndReservedPaths() throws {
        var table = try self.table("team/kv")
        #expect(throws: CustosError.self) { try table.add(MountEntry(path: "team/kv/", type: "kv")) }
        #expect(throws: CustosError.self) { try table.add(MountEntry(path: "team/kv/inner/", type: "kv")) }
        #expect(throws: CustosError.self) { try table.add(MountEntry(path: "team/", type: "kv")) }
        #expect(throws: CustosError.self) { try table.add(MountEntry(path: "sys/", type: "kv")) }
        #expect(throws: CustosError.self) { try table.add(MountEntry(path: "auth/x/", type: "kv")) }
        #expect(throws: CustosError.self) { try table.add(MountEntry(path: "a/../b/", type: "kv")) }
        try table.add(MountEntry(path: "team/kv2/", type: "kv"))
        #expect(table.entries.count == 2)
        #expect(table.remove("team/kv")?.path == "team/kv/")
        #expect(table.entries.map(\.path) == ["team/kv2/"])
    }
}

@Suite struct UnsealProgressTests {
    @Test func countsToThresholdThenResets() throws {
        var progress = UnsealProgress()
        #expect(try progress.submit([1, 2], threshold: 3) == .needMore(progress: 1))
        #expect(!progress.nonce.isEmpty)
        #expect(try progress.submit([3, 4], threshold: 3) == .needMore(progress: 2))
        #expect(try progress.submit([5, 6], threshold: 3) == .complete(shares: [[1, 2], [3, 4], [5, 6]]))
        #expect(progress.shares.isEmpty)
    }

    @Test func refusesDuplicatesAndOddLengths() throws {
        var progress = UnsealProgress()
        _ = try progress.submit([1, 2], threshold: 3)
        #expect(throws: CustosError.self) { try progress.submit([1, 2], threshold: 3) }
        #expect(throws: CustosError.self) { try progress.submit([1, 2, 3], threshold: 3) }
        #expect(progress.shares.count == 1)
    }

    @Test func keysAsHexOrBase64() {
        #expect(UnsealKeyEncoding.decode("0aff") == [0x0a, 0xff])
        #expect(UnsealKeyEncoding.decode("Cv8=") == [0x0a, 0xff])
        #expect(UnsealKeyEncoding.decode("not a key!") == nil)
        #expect(UnsealKeyEncoding.hexString([0x0a, 0xff]) == "0aff")
    }
}
