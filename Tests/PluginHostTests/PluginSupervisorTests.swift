import CustosCore
import CustosTesting
import DatabasePluginProtocol
import Foundation
import Synchronization
import Testing

@testable import PluginHost

@Suite struct PluginSupervisorTests {
    @Test func thousandConcurrentCallsGetTheirOwnAnswers() async throws {
        let host = try HostFixture()
        let client = try await host.register("busy")
        _ = try await client.initialize(InitializeRequest(connection: "conn", config: testConfig))
        let mismatches = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<1_000 {
                group.addTask {
                    // Every tenth call is slow, so answers come back out of order.
                    let username = index % 10 == 0 ? "delay-\(index % 50)" : "user-\(index)"
                    return try await client.newUser(newUserRequest("conn", username)).username != username
                }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(mismatches == 0)
        await host.supervisor.shutdown()
    }

    @Test func oneProcessPerPluginName() async throws {
        let host = try HostFixture()
        let first = try await host.register("one")
        let second = try await host.register("two")
        async let a = first.info()
        async let b = first.info()
        async let c = second.info()
        _ = try await (a, b, c)
        let pidOne = try #require(host.supervisor.pid(of: "one"))
        let pidTwo = try #require(host.supervisor.pid(of: "two"))
        #expect(pidOne != pidTwo)
        _ = try await first.info()
        #expect(host.supervisor.pid(of: "one") == pidOne)
        await host.supervisor.shutdown()
        #expect(!processExists(pidOne) && !processExists(pidTwo))
    }

    @Test func pluginErrorsKeepTheirKind() async throws {
        let host = try HostFixture()
        let client = try await host.register("strict")
        let notInitialized = try await #require(throws: PluginHostError.self) {
            try await client.renewUser(RenewUserRequest(connection: "nope", username: "u", expiration: Date()))
        }
        #expect(notInitialized.code == .remote)
        #expect(notInitialized.remote?.kind == .invalidRequest)
        #expect(notInitialized.rpcCode == RPCErrorCode.applicationError)
        let unreachable = try await #require(throws: PluginHostError.self) {
            _ = try await client.initialize(
                InitializeRequest(connection: "c", config: ["unreachable": true], verifyConnection: true))
        }
        #expect(unreachable.remote?.kind == .connection)
        // A failed Initialize is not remembered for re-initialisation.
        #expect(host.supervisor.connectionConfigs.config(plugin: "strict", connection: "c") == nil)
        await host.supervisor.shutdown()
    }

    @Test func closedConnectionIsNotReinitialised() async throws {
        let host = try HostFixture()
        let client = try await host.register("closer")
        _ = try await client.initialize(InitializeRequest(connection: "a", config: testConfig))
        _ = try await client.initialize(InitializeRequest(connection: "b", config: testConfig))
        try await client.close(connection: "b")
        _ = try? await client.newUser(newUserRequest("a", "crash"))
        #expect(try await client.stats("a").initializations == 1)
        let error = try await #require(throws: PluginHostError.self) { _ = try await client.stats("b") }
        #expect(error.remote?.message == "connection b is not initialized")
        await host.supervisor.shutdown()
    }

    @Test func reloadRestartsTheProcess() async throws {
        let host = try HostFixture()
        let client = try await host.register("reloadable")
        _ = try await client.initialize(InitializeRequest(connection: "conn", config: testConfig))
        let before = try await client.stats("conn")
        try await host.supervisor.reload("reloadable")
        #expect(!processExists(before.pid))
        let after = try await client.stats("conn")
        #expect(after.pid != before.pid)
        #expect(after.initializations == 1 && !after.verified)
        await host.supervisor.shutdown()
    }

    @Test func concurrentCallsAfterARestartShareOneInitialize() async throws {
        let host = try HostFixture()
        let client = try await host.register("shared-init")
        _ = try await client.initialize(InitializeRequest(connection: "conn", config: testConfig))
        try await host.supervisor.reload("shared-init")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<50 {
                group.addTask { _ = try await client.newUser(newUserRequest("conn", "user-\(index)")) }
            }
            try await group.waitForAll()
        }
        #expect(try await client.stats("conn").initializations == 1, "the first caller ran it, the others waited")
        await host.supervisor.shutdown()
    }

    @Test func noPluginStartsOnceTheBackgroundHostHasShutDown() async throws {
        let background = BackgroundTaskHost()
        await withDiscardingTaskGroup { services in
            services.addTask { await background.run() }
            services.cancelAll()
        }
        let host = try HostFixture(background: background)
        let client = try await host.register("refused")
        let error = try await #require(throws: PluginHostError.self) { _ = try await client.info() }
        #expect(error.code == .shutDown)
        #expect(host.supervisor.pid(of: "refused") == nil)
    }

    @Test func reloadLetsCallsInFlightFinish() async throws {
        // The grace only bounds how long a stuck plugin may take; this one exits as soon as its
        // call is answered, which a loaded machine may delay past the default 5 s.
        let host = try HostFixture { $0.shutdownGrace = .seconds(120) }
        let client = try await host.register("graceful")
        _ = try await client.initialize(InitializeRequest(connection: "conn", config: testConfig))
        let process = try await host.supervisor.process(for: "graceful", patience: .seconds(1))
        // Long enough that a loaded machine's polling still sees the call in flight.
        let slow = Task { try await client.newUser(newUserRequest("conn", "delay-2000")) }
        try await waitUntil { process.rpc.inFlightCount == 1 }
        try await host.supervisor.reload("graceful")
        #expect(try await slow.value.username == "delay-2000")
        #expect(process.isReaped)
        #expect(host.supervisor.pid(of: "graceful") != process.pid)
        await host.supervisor.shutdown()
    }

    @Test func shutdownLeavesNoChildProcess() async throws {
        let host = try HostFixture()
        let clients = try await [host.register("s1"), host.register("s2"), host.register("s3")]
        for client in clients { _ = try await client.info() }
        var pids: [pid_t] = []
        for name in ["s1", "s2", "s3"] { pids.append(try #require(host.supervisor.pid(of: name))) }
        await host.supervisor.shutdown()
        for pid in pids { #expect(!processExists(pid)) }
        let error = try await #require(throws: PluginHostError.self) { _ = try await clients[0].info() }
        #expect(error.code == .shutDown)
    }

    @Test func stopAllStopsEveryProcessAndPausedStartsAreRefused() async throws {
        let paused = Flag()
        let host = try HostFixture(isPaused: { paused.value })
        let clients = try await [host.register("a1"), host.register("a2")]
        for client in clients { _ = try await client.info() }
        var pids: [pid_t] = []
        for name in ["a1", "a2"] { pids.append(try #require(host.supervisor.pid(of: name))) }

        // What the server does when it seals.
        paused.value = true
        await host.supervisor.stopAll()
        for pid in pids { #expect(!processExists(pid)) }
        let refused = try await #require(throws: PluginHostError.self) { _ = try await clients[0].info() }
        #expect(refused.code == .shutDown)
        #expect(host.supervisor.pid(of: "a1") == nil)

        // Unsealed: the next call starts a fresh process.
        paused.value = false
        _ = try await clients[0].info()
        let restarted = try #require(host.supervisor.pid(of: "a1"))
        #expect(!pids.contains(restarted))
        await host.supervisor.shutdown()
        #expect(!processExists(restarted))
    }

    @Test func shutdownKillsAPluginThatIgnoresStdinClose() async throws {
        let host = try HostFixture { $0.shutdownGrace = .milliseconds(300) }
        let client = try await host.register("stubborn", env: ["CUSTOS_TEST_PLUGIN_MODE=ignore-stdin-eof"])
        _ = try await client.info()
        let pid = try #require(host.supervisor.pid(of: "stubborn"))
        await host.supervisor.shutdown()
        #expect(!processExists(pid))
    }

    @Test func cancelledCallLeavesNoOrphan() async throws {
        let host = try HostFixture()
        let client = try await host.register("cancel")
        _ = try await client.initialize(InitializeRequest(connection: "conn", config: testConfig))
        let call = Task { try await client.newUser(newUserRequest("conn", "hang")) }
        let process = try await host.supervisor.process(for: "cancel", patience: .seconds(1))
        try await waitUntil { process.rpc.inFlightCount == 1 }
        call.cancel()
        await #expect(throws: CancellationError.self) { try await call.value }
        #expect(process.rpc.inFlightCount == 0)
        // Cancelled while the plugin is starting: the start completes and is shut down cleanly.
        let starting = Task { try await host.register("cancel-start").info() }
        starting.cancel()
        _ = try? await starting.value
        let pids = [host.supervisor.pid(of: "cancel"), host.supervisor.pid(of: "cancel-start")]
        await host.supervisor.shutdown()
        for case let pid? in pids { #expect(!processExists(pid)) }
    }

    @Test func backoffDoublesUpToTheCap() {
        var configuration = PluginSupervisorConfiguration()
        configuration.initialBackoff = .milliseconds(100)
        configuration.maxBackoff = .seconds(10)
        #expect(configuration.backoff(afterFailures: 1) == .milliseconds(100))
        #expect(configuration.backoff(afterFailures: 2) == .milliseconds(200))
        #expect(configuration.backoff(afterFailures: 4) == .milliseconds(800))
        #expect(configuration.backoff(afterFailures: 30) == .seconds(10))
    }
}

/// A switch shared with the supervisor's `isPaused`.
private final class Flag: Sendable {
    private let state = Mutex(false)

    var value: Bool {
        get { state.withLock { $0 } }
        set { state.withLock { $0 = newValue } }
    }
}
