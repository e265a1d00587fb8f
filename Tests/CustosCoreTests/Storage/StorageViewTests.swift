import CustosCore
import Foundation
import Testing

@Suite("Storage view")
struct StorageViewTests {
    @Test func keysAreRelativeToThePrefix() async throws {
        let backend = InMemoryStorage()
        let view = backend.view(prefix: "logical/1234/")
        try await view.put("config/conn", Data("c".utf8))
        #expect(try await backend.get("logical/1234/config/conn") == Data("c".utf8))
        #expect(try await view.get("config/conn") == Data("c".utf8))

        try await backend.put("logical/1234/roles/r1", Data("r".utf8))
        #expect(try await view.get("roles/r1") == Data("r".utf8))

        try await view.delete("config/conn")
        #expect(try await backend.get("logical/1234/config/conn") == nil)
    }

    @Test func listAndScanSeeOnlyTheViewsKeys() async throws {
        let backend = InMemoryStorage()
        try await backend.put("logical/a/roles/r1", Data())
        try await backend.put("logical/a/roles/r2", Data())
        try await backend.put("logical/a/config", Data())
        try await backend.put("logical/b/roles/other", Data())
        try await backend.put("sys/x", Data())
        let view = backend.view(prefix: "logical/a/")

        #expect(try await view.list(prefix: "") == ["config", "roles/"])
        #expect(try await view.list(prefix: "roles/") == ["r1", "r2"])
        #expect(try await view.scan(prefix: "") == ["config", "roles/r1", "roles/r2"])
    }

    @Test func transactionTranslatesEveryOperation() async throws {
        let backend = InMemoryStorage()
        try await backend.put("logical/a/old", Data())
        let view = backend.view(prefix: "logical/a/")
        try await view.transaction([.put("new", Data("n".utf8)), .delete("old")])
        #expect(try await backend.scan(prefix: "") == ["logical/a/new"])
    }

    @Test func nestedViewsComposePrefixes() async throws {
        let backend = InMemoryStorage()
        let nested = backend.view(prefix: "logical/a/").view(prefix: "creds/")
        try await nested.put("x", Data("x".utf8))
        #expect(nested.prefix == "logical/a/creds/")
        #expect(try await backend.get("logical/a/creds/x") == Data("x".utf8))
    }

    @Test func theViewRootItselfIsNotAKey() async throws {
        let view = InMemoryStorage().view(prefix: "logical/a/")
        let error = await #expect(throws: StorageError.self) { try await view.put("", Data()) }
        #expect(error?.code == .invalidKey)
    }
}
