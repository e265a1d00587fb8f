@testable import CustosCore
import CustosJSON
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
        let shares = [SecretBytes([1, 2]), SecretBytes([3, 4]), SecretBytes([5, 6])]
        guard case .needMore(1) = try progress.submit(shares[0], threshold: 3) else { Issue.record("expected progress 1"); return }
        #expect(!progress.nonce.isEmpty)
        guard case .needMore(2) = try progress.submit(shares[1], threshold: 3) else { Issue.record("expected progress 2"); return }
        guard case .complete(let complete) = try progress.submit(shares[2], threshold: 3) else { Issue.record("expected completion"); return }
        #expect(complete.map(\.bytes) == [[1, 2], [3, 4], [5, 6]])
        #expect(progress.shares.isEmpty)
        #expect(progress.nonce.isEmpty)
    }

    @Test func refusesDuplicatesAndOddLengths() throws {
        var progress = UnsealProgress()
        _ = try progress.submit(SecretBytes([1, 2]), threshold: 3)
        #expect(throws: CustosError.self) { try progress.submit(SecretBytes([1, 2]), threshold: 3) }
        #expect(throws: CustosError.self) { try progress.submit(SecretBytes([1, 2, 3]), threshold: 3) }
        #expect(progress.shares.count == 1)
    }

    /// A reset (seal, `reset=true`) wipes the waiting shares, not only forgets them.
    @Test func resetWipesTheSharesItHeld() throws {
        var progress = UnsealProgress()
        let share = SecretBytes([9, 8, 7, 6])
        _ = try progress.submit(share, threshold: 2)
        progress.reset()
        #expect(share.bytes == [0, 0, 0, 0])
        #expect(progress.shares.isEmpty)
    }

    @Test func keysAsHexOrBase64() {
        #expect(UnsealKeyEncoding.decode("0aff") == [0x0a, 0xff])
        #expect(UnsealKeyEncoding.decode("Cv8=") == [0x0a, 0xff])
        #expect(UnsealKeyEncoding.decode("not a key!") == nil)
        #expect(UnsealKeyEncoding.hexString([0x0a, 0xff]) == "0aff")
    }
}
