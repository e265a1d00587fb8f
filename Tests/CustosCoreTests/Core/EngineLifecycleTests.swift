@testable import CustosCore
import CustosJSON
import Foundation
import Logging
import Synchronization
import Testing

/// An engine is made when its mount starts (enable, unseal), told when it is tuned (and kept),
/// and stopped when its mount stops (disable, seal).
@Suite("engine lifecycle")
struct EngineLifecycleTests {
    final class Journal: Sendable {
        let events = Mutex<[String]>([])
        func record(_ event: String) { events.withLock { $0.append(event) } }
        var all: [String] { events.withLock { $0 } }
    }

    struct RecordingEngine: SecretsEngine {
        let serial: Int
        let journal: Journal
        func handle(_ request: EngineRequest) async throws -> LogicalResponse {
            LogicalResponse(data: ["serial": JSONValue.int(Int64(serial)), "max": .int(request.mount.config.maxLeaseTTL)])
        }
        func tuned(to mount: MountEntry) async { journal.record("tuned \(serial) \(mount.config.maxLeaseTTL)") }
        func stop() async { journal.record("stopped \(serial)") }
    }

    static func type(_ journal: Journal) -> SecretsEngineType {
        let counter = Mutex(0)
        return SecretsEngineType(name: "recording") { context in
            let serial = counter.withLock { $0 += 1; return $0 }
            journal.record("made \(serial) \(context.mount.path)")
            return RecordingEngine(serial: serial, journal: journal)
        }
    }

    @Test func madeTunedStoppedAndRegisteredAfterConstruction() async throws {
        let journal = Journal()
        let storage = InMemoryStorage()
        let core = Core(physical: storage, settings: CoreSettings(), engineTypes: [], logger: Logger(label: "test"))
        // Registered by the executable once the core exists, before it serves.
        core.register(Self.type(journal))
        let initialised = try await core.initialize(shares: 1, threshold: 1)
        try await core.submitUnsealKey(initialised.keys[0])
        let root = initialised.rootToken
        func call(_ operation: LogicalOperation, _ path: String, _ body: String? = nil) async throws -> LogicalResponse {
            try await core.handle(LogicalRequest(operation: operation, path: path, body: body.map { Data($0.utf8) }, clientToken: root))
        }

        _ = try await call(.update, "sys/mounts/rec", #"{"type": "recording"}"#)
        _ = try await call(.update, "sys/mounts/rec/tune", #"{"max_lease_ttl": "2h"}"#)
        let served = try await call(.read, "rec/anything")
        #expect((served.data as? [String: JSONValue]) == ["serial": 1, "max": 7200])

        await core.sealNow()
        try await core.submitUnsealKey(initialised.keys[0])
        _ = try await call(.read, "rec/anything")
        _ = try await call(.delete, "sys/mounts/rec")

        #expect(journal.all == ["made 1 rec/", "tuned 1 7200", "stopped 1", "made 2 rec/", "stopped 2"])
    }
}
