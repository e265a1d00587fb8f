@testable import CustosCore
import CustosJSON
import Foundation
import Logging
import Testing
import VaultAPI

/// The core without HTTP: init, unseal, routing, root-only access, over in-memory storage.
@Suite struct CoreTests {
    func makeCore(storage: InMemoryStorage = InMemoryStorage()) -> Core {
        Core(physical: storage, settings: CoreSettings(), engineTypes: [KVEngine.type], logger: Logger(label: "test"))
    }

    func body(_ json: String) -> Data { Data(json.utf8) }

    @Test func initUnsealServeSeal() async throws {
        let storage = InMemoryStorage()
        let core = makeCore(storage: storage)
        #expect(try await core.sealStatus().initialized == false)
        await #expect(throws: CustosError.notInitialized) {
            try await core.handle(LogicalRequest(operation: .read, path: "sys/mounts", clientToken: "x"))
        }

        let result = try await core.initialize(shares: 3, threshold: 2, initialMounts: [MountEntry(path: "secret/", type: "kv")])
        #expect(result.keys.count == 3)
        #expect(core.isSealed)
        try await core.submitUnsealKey(result.keys[2])
        #expect(core.isSealed)
        #expect(try await core.sealStatus().progress == 1)
        try await core.submitUnsealKey(result.keys[0])
        #expect(!core.isSealed)

        let token = result.rootToken
        _ = try await core.handle(LogicalRequest(operation: .update, path: "secret/a", body: body(#"{"x": 1}"#), clientToken: token))
        let read = try await core.handle(LogicalRequest(operation: .read, path: "secret/a", clientToken: token))
        #expect(read.data as? [String: JSONValue] == ["x": .int(1)])

        await #expect(throws: CustosError.permissionDenied) {
            try await core.handle(LogicalRequest(operation: .read, path: "secret/a", clientToken: "cst.wrong"))
        }
        await #expect(throws: CustosError.permissionDenied) {
            try await core.handle(LogicalRequest(operation: .read, path: "secret/a"))
        }

        await core.sealNow()
        await #expect(throws: CustosError.sealed) {
            try await core.handle(LogicalRequest(operation: .read, path: "secret/a", clientToken: token))
        }

        // A second core over the same storage (a restart) unseals with the same keys and sees the data.
        let restarted = makeCore(storage: storage)
        try await restarted.submitUnsealKey(result.keys[1])
        try await restarted.submitUnsealKey(result.keys[2])
        let again = try await restarted.handle(LogicalRequest(operation: .read, path: "secret/a", clientToken: token))
        #expect(again.data as? [String: JSONValue] == ["x": .int(1)])
    }

    @Test func rootTokenIsStoredOnlyHashed() async throws {
        let storage = InMemoryStorage()
        let core = makeCore(storage: storage)
        let result = try await core.initialize(shares: 1, threshold: 1, rootTokenID: "my-chosen-root-token")
        #expect(result.rootToken == "my-chosen-root-token")
        for key in try await storage.scan(prefix: "") {
            let value = try await storage.get(key) ?? Data()
            #expect(value.range(of: Data("my-chosen-root-token".utf8)) == nil, "token found under \(key)")
            #expect(!key.contains("my-chosen-root-token"))
        }
    }

    @Test func unknownRouteIs404AndKVV2IsRefused() async throws {
        let core = makeCore()
        let result = try await core.initialize(shares: 1, threshold: 1)
        try await core.submitUnsealKey(result.keys[0])
        let token = result.rootToken
        do {
            _ = try await core.handle(LogicalRequest(operation: .read, path: "nope/x", clientToken: token))
            Issue.record("expected 404")
        } catch {
            #expect(error.code == .notFound)
        }
        do {
            _ = try await core.handle(LogicalRequest(operation: .update, path: "sys/mounts/kv", body: body(#"{"type":"kv","options":{"version":"2"}}"#), clientToken: token))
            Issue.record("expected 400")
        } catch {
            #expect(error.code == .badRequest)
        }
    }
}
