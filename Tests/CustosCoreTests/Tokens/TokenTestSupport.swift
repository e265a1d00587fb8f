@testable import CustosCore
import CustosJSON
import CustosTesting
import Foundation
import Logging
import Testing
import VaultAPI

/// An unsealed in-memory core with a root token, a KV mount at `secret/` and a movable clock.
struct TokenTestCore {
    let core: Core
    let storage: InMemoryStorage
    let clock: ManualClock
    let root: String

    static func make() async throws -> TokenTestCore {
        let storage = InMemoryStorage()
        let clock = ManualClock()
        var settings = CoreSettings()
        settings.clock = clock
        let core = Core(physical: storage, settings: settings, engineTypes: [KVEngine.type], logger: Logger(label: "test"))
        core.backgroundTasks.runDetachedForTesting()
        let result = try await core.initialize(shares: 1, threshold: 1, initialMounts: [MountEntry(path: "secret/", type: "kv")])
        try await core.submitUnsealKey(result.keys[0])
        return TokenTestCore(core: core, storage: storage, clock: clock, root: result.rootToken)
    }

    @discardableResult
    func call(_ operation: LogicalOperation, _ path: String, _ json: String? = nil, token: String) async throws(CustosError) -> LogicalResponse {
        try await core.handle(LogicalRequest(operation: operation, path: path, body: json.map { Data($0.utf8) }, clientToken: token))
    }

    /// The error code of a call that must fail.
    func failure(_ operation: LogicalOperation, _ path: String, _ json: String? = nil, token: String) async -> CustosError? {
        do {
            try await call(operation, path, json, token: token)
            return nil
        } catch {
            return error
        }
    }

    /// Creates a token with `parent` and returns it with its auth block.
    func createToken(_ json: String = "{}", parent: String? = nil, orphan: Bool = false) async throws -> AuthBlock {
        let response = try await call(.update, orphan ? "auth/token/create-orphan" : "auth/token/create", json, token: parent ?? root)
        return try #require(response.auth)
    }

    func writePolicy(_ name: String, _ text: String) async throws {
        let body = try JSONEncoder().encode(["policy": text])
        try await call(.update, "sys/policies/acl/\(name)", String(decoding: body, as: UTF8.self), token: root)
    }

    /// The data of a response as JSON.
    func json(_ response: LogicalResponse) throws -> [String: JSONValue] {
        let data = try JSONEncoder().encode(try #require(response.data.map(AnyEncodable.init)))
        return try JSONDecoder().decode([String: JSONValue].self, from: data)
    }
}

struct AnyEncodable: Encodable {
    let value: any Encodable
    init(_ value: any Encodable) { self.value = value }
    func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
}

extension JSONValue {
    var testArray: [JSONValue]? {
        if case .array(let items) = self { return items }
        return nil
    }
}
