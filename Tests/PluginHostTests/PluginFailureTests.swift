import DatabasePluginProtocol
import Foundation
import Testing

@testable import PluginHost

/// Each way a plugin can fail: the host survives, the call fails with an error naming the
/// plugin, and the next call works on a restarted, re-initialised process.
@Suite struct PluginFailureTests {
    /// Initialises `conn`, runs `misbehave` (which must fail), then checks the recovery.
    private func expectRecovery(
        plugin name: String, code expected: PluginHostError.Code,
        misbehave: (PluginClient) async throws -> Void
    ) async throws {
        let host = try HostFixture()
        defer { Task { await host.supervisor.shutdown() } }
        let client = try await host.register(name)
        _ = try await client.initialize(
            InitializeRequest(connection: "conn", config: testConfig, verifyConnection: true))
        let before = try await client.stats("conn")
        #expect(before.initializations == 1 && before.verified)

        let error = try await #require(throws: PluginHostError.self) { try await misbehave(client) }
        #expect(error.code == expected)
        #expect(error.plugin == name)
        #expect(error.description.contains(name))
        #expect(!error.description.contains("s3cret"))

        // Restarted, and the connection re-initialised (verifyConnection false) before this call.
        let after = try await client.stats("conn")
        #expect(after.pid != before.pid)
        #expect(after.initializations == 1)
        #expect(after.verified == false)
        #expect(!processExists(before.pid))
        await host.supervisor.shutdown()
        #expect(!processExists(after.pid))
    }

    @Test func crashDuringCall() async throws {
        try await expectRecovery(plugin: "crashy", code: .pluginExited) { client in
            _ = try await client.newUser(newUserRequest("conn", "crash"))
        }
    }

    @Test func garbageOnStdout() async throws {
        try await expectRecovery(plugin: "garbage", code: .protocolViolation) { client in
            _ = try await client.newUser(newUserRequest("conn", "garbage"))
        }
    }

    @Test func oversizedLine() async throws {
        try await expectRecovery(plugin: "oversized", code: .protocolViolation) { client in
            _ = try await client.newUser(newUserRequest("conn", "oversized"))
        }
    }

    @Test func everyCallInFlightFailsOnCrash() async throws {
        let host = try HostFixture()
        let client = try await host.register("crash-many")
        _ = try await client.initialize(InitializeRequest(connection: "conn", config: testConfig))
        // Slow calls in flight, then a crash: all fail at once, well before their delay ends.
        let process = try await host.supervisor.process(for: "crash-many", patience: .seconds(1))
        let outcomes = try await withThrowingTaskGroup(of: PluginHostError.Code?.self) { group in
            for index in 0..<20 {
                group.addTask {
                    do {
                        _ = try await client.newUser(newUserRequest("conn", "delay-\(60_000 + index)"))
                        return nil
                    } catch let error as PluginHostError {
                        return error.code
                    } catch {
                        return .remote
                    }
                }
            }
            // The crash must go out after the slow calls, on the same process.
            try await waitUntil { process.rpc.inFlightCount == 20 }
            group.addTask {
                _ = try? await client.newUser(newUserRequest("conn", "crash"))
                return .pluginExited
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes.count == 21)
        #expect(outcomes.allSatisfy { $0 == .pluginExited })
        #expect(try await client.stats("conn").initializations == 1)
        await host.supervisor.shutdown()
    }

    @Test func deadlineFailsOnlyThatCall() async throws {
        let host = try HostFixture()
        let client = try await host.register("hangs")
        _ = try await client.initialize(InitializeRequest(connection: "conn", config: testConfig))
        let pid = try await client.stats("conn").pid
        let error = try await #require(throws: PluginHostError.self) {
            _ = try await client.newUser(newUserRequest("conn", "hang"), timeout: .milliseconds(300))
        }
        #expect(error.code == .deadlineExceeded)
        #expect(error.plugin == "hangs")
        // The process is healthy and kept: same pid, no re-initialisation.
        let stats = try await client.stats("conn")
        #expect(stats.pid == pid)
        #expect(stats.initializations == 1)
        await host.supervisor.shutdown()
    }

    @Test func exitAtStartUpThenRecovers() async throws {
        let marker = FileManager.default.temporaryDirectory.appendingPathComponent("custos-marker-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: marker) }
        let host = try HostFixture()
        let client = try await host.register(
            "exits", env: ["CUSTOS_TEST_PLUGIN_MODE=exit-at-start-once", "CUSTOS_TEST_PLUGIN_MARKER=\(marker)"])
        let error = try await #require(throws: PluginHostError.self) { _ = try await client.info() }
        #expect(error.code == .handshakeFailed)
        #expect(error.description.contains("exits"))
        // Next call waits out the short back-off and starts a healthy process.
        #expect(try await client.info().name == "custos-test-plugin")
        await host.supervisor.shutdown()
    }

    @Test func backingOffFailsFastWhenDeadlineIsShorter() async throws {
        // A back-off no loaded machine can sleep through between the two calls.
        let host = try HostFixture {
            $0.initialBackoff = .seconds(3600)
            $0.maxBackoff = .seconds(3600)
        }
        let client = try await host.register("always-exits", env: ["CUSTOS_TEST_PLUGIN_MODE=exit-at-start"])
        let first = try await #require(throws: PluginHostError.self) { _ = try await client.info() }
        #expect(first.code == .handshakeFailed)
        let second = try await #require(throws: PluginHostError.self) {
            _ = try await client.info(timeout: .seconds(1))
        }
        #expect(second.code == .backingOff)
        #expect(second.plugin == "always-exits")
        await host.supervisor.shutdown()
    }

    @Test func unsupportedProtocolVersionIsRefused() async throws {
        let host = try HostFixture()
        let client = try await host.register("future", env: ["CUSTOS_TEST_PLUGIN_MODE=bad-protocol-version"])
        let error = try await #require(throws: PluginHostError.self) { _ = try await client.info() }
        #expect(error.code == .unsupportedProtocolVersion)
        #expect(error.description.contains("future"))
        #expect(error.description.contains("[2, 3]"))
        #expect(host.supervisor.pid(of: "future") == nil)
        await host.supervisor.shutdown()
    }

    @Test func stderrFloodIsCappedAndHostKeepsServing() async throws {
        let host = try HostFixture()
        let client = try await host.register("noisy")
        _ = try await client.initialize(InitializeRequest(connection: "conn", config: testConfig))
        let answer = try await client.newUser(newUserRequest("conn", "flood-5000"))
        #expect(answer.username == "flood-5000")
        let pid = try #require(host.supervisor.pid(of: "noisy"))
        await host.supervisor.shutdown()  // stderr is drained until the process is gone
        let lines = host.logs.all.filter { $0.metadata["plugin"] == "noisy" && $0.metadata["pid"] == "\(pid)" }
        let pluginLines = lines.filter { $0.message.contains("flood") }
        #expect(pluginLines.count >= 100)
        #expect(pluginLines.count < 5000)
        #expect(pluginLines.allSatisfy { $0.message.utf8.count <= 2048 })
        let dropped = lines.compactMap { $0.metadata["dropped"].flatMap(Int.init) }.reduce(0, +)
        #expect(dropped > 0)
        #expect(pluginLines.count + dropped >= 5000)
    }
}
