@testable import CustosCore
import CustosTesting
import CustosJSON
import Foundation
import Logging
import Synchronization
import Testing

/// What the fake engine's "external system" holds, and what it was asked; can be told to fail.
final class ExternalObjects: Sendable {
    struct State {
        var live: Set<String> = []
        var revoked: [String] = []
        var renewed: [(String, Int64)] = []
        var failRevoke = false
        var failAfterCreate = false
        /// Begin a record for a spare object first, then answer with the second ticket only.
        var beginSpare = false
        /// Runs after the object is created, before the engine answers (to race a revocation).
        var afterCreate: (@Sendable () async -> Void)?
    }

    let state = Mutex(State())
    var live: Set<String> { state.withLock { $0.live } }
    var revoked: [String] { state.withLock { $0.revoked } }
    func set(_ change: (inout State) -> Void) { state.withLock { change(&$0) } }
}

/// A secrets engine whose `creds/<role>` write creates an external object (a name in
/// `ExternalObjects`) through the crash-safe issue API. Body: `ttl`, `max_ttl`, `renewable`.
struct FakeIssuingEngine: SecretsEngine {
    let context: EngineContext
    let objects: ExternalObjects

    static func type(_ objects: ExternalObjects) -> SecretsEngineType {
        SecretsEngineType(name: "fake-issuing") { context in FakeIssuingEngine(context: context, objects: objects) }
    }

    struct Parameters: Decodable {
        var ttl: VaultDuration?
        var maxTtl: VaultDuration?  // `max_ttl`: documented snake_case keys map to camelCase properties
        var renewable: Bool?
    }

    func handle(_ request: EngineRequest) async throws -> LogicalResponse {
        guard request.path.hasPrefix("creds/") else { throw CustosError(.notFound, "no such path") }
        let parameters = try request.decode(Parameters.self)
        let name = "obj-\(UUID().uuidString.prefix(8))"
        if objects.state.withLock({ $0.beginSpare }) {
            let spare = "spare-\(name)"
            _ = try await context.leases.beginIssue(for: request, keeping: ["name": spare])
            objects.set { $0.live.insert(spare) }
        }
        let ticket = try await context.leases.beginIssue(for: request, keeping: ["name": name])
        objects.set { $0.live.insert(name) }
        if let afterCreate = objects.state.withLock({ $0.afterCreate }) { await afterCreate() }
        if objects.state.withLock({ $0.failAfterCreate }) { throw CustosError(.internal, "engine failed") }
        return LogicalResponse(
            data: ["name": name],
            secret: try ResponseSecret(
                ttl: parameters.ttl, maxTTL: parameters.maxTtl, renewable: parameters.renewable ?? true,
                keeping: ["name": name], ticket: ticket))
    }

    func revoke(_ lease: LeaseEntry) async throws {
        guard let name = lease.secretData.objectValue?["name"]?.stringValue else { return }
        try objects.state.withLock { state in
            if state.failRevoke { throw CustosError(.internal, "external system down") }
            state.live.remove(name)
            state.revoked.append(name)
        }
    }

    func renew(_ lease: LeaseEntry, ttl: VaultDuration) async throws {
        guard let name = lease.secretData.objectValue?["name"]?.stringValue else { return }
        objects.set { $0.renewed.append((name, ttl.seconds)) }
    }
}

/// An unsealed in-memory core with the fake engine at `fake/`, a KV mount and a hand-moved clock.
struct LeaseTestCore {
    let core: Core
    let storage: InMemoryStorage
    let clock: ManualClock
    let objects: ExternalObjects
    let root: String
    let keys: [[UInt8]]

    static func make(
        storage: InMemoryStorage = InMemoryStorage(), mountConfig: MountConfig = MountConfig(),
        systemMaxTTL: Int64 = 768 * 3600, objects: ExternalObjects = ExternalObjects(),
        clock: ManualClock = ManualClock()
    ) async throws -> LeaseTestCore {
        let core = makeCore(storage: storage, systemMaxTTL: systemMaxTTL, objects: objects, clock: clock)
        let result = try await core.initialize(
            shares: 1, threshold: 1,
            initialMounts: [MountEntry(path: "fake/", type: "fake-issuing", config: mountConfig), MountEntry(path: "secret/", type: "kv")])
        try await core.submitUnsealKey(result.keys[0])
        return LeaseTestCore(core: core, storage: storage, clock: clock, objects: objects, root: result.rootToken, keys: result.keys)
    }

    static func makeCore(storage: InMemoryStorage, systemMaxTTL: Int64, objects: ExternalObjects, clock: ManualClock) -> Core {
        var settings = CoreSettings(maxLeaseTTL: systemMaxTTL)
        settings.clock = clock
        var configuration = ExpirationManager.Configuration()
        configuration.retryPolicy = RevocationRetryPolicy(baseDelay: 1, maxDelay: 1, maxAttempts: 2, jitter: 0)
        settings.expiration = configuration
        let core = Core(
            physical: storage, settings: settings, engineTypes: [KVEngine.type, FakeIssuingEngine.type(objects)],
            logger: Logger(label: "test"))
        core.backgroundTasks.runDetachedForTesting()
        return core
    }

    var manager: ExpirationManager {
        get throws { try #require(core.expirationManager) }
    }

    @discardableResult
    func call(
        _ operation: LogicalOperation, _ path: String, _ json: String? = nil, query: [String: String] = [:], token: String? = nil
    ) async throws(CustosError) -> LogicalResponse {
        try await core.handle(LogicalRequest(
            operation: operation, path: path, body: json.map { Data($0.utf8) }, query: query, clientToken: token ?? root))
    }

    func failure(
        _ operation: LogicalOperation, _ path: String, _ json: String? = nil, query: [String: String] = [:], token: String? = nil
    ) async -> CustosError? {
        do {
            try await call(operation, path, json, query: query, token: token)
            return nil
        } catch {
            return error
        }
    }

    /// Issues a secret and returns its response.
    func issue(_ json: String = "{}", role: String = "ro", token: String? = nil) async throws -> LogicalResponse {
        try await call(.update, "fake/creds/\(role)", json, token: token)
    }

    /// Encodes a response's data to JSON.
    func json(_ response: LogicalResponse) throws -> [String: JSONValue] {
        let data = try JSONEncoder().encode(try #require(response.data.map(LeaseAnyEncodable.init)))
        return try JSONDecoder().decode([String: JSONValue].self, from: data)
    }
}

struct LeaseAnyEncodable: Encodable {
    let value: any Encodable
    init(_ value: any Encodable & Sendable) { self.value = value }
    func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
}
