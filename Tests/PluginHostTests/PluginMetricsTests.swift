import DatabasePluginProtocol
import Foundation
import MetricsTestKit
@testable import PluginHost
import Testing

/// Plugin calls, their latency and restarts reach the factory the server hands in.
@Suite struct PluginMetricsTests {
    @Test func callsAreCountedAndTimedByMethodAndARestartIsCounted() async throws {
        let metrics = TestMetrics()
        let host = try HostFixture { $0.metricsFactory = metrics }
        let client = try await host.register("metered")
        _ = try await client.info()
        _ = try await client.info()
        let calls = try metrics.expectCounter(
            PluginMetrics.Name.calls, [("plugin", "metered"), ("method", "Info"), ("outcome", "ok")])
        #expect(calls.totalValue == 2)
        let timer = try metrics.expectTimer(PluginMetrics.Name.callDuration, [("plugin", "metered"), ("method", "Info")])
        #expect(timer.values.count == 2)

        // The process dies; the next call restarts it, and that is counted once.
        let pid = try #require(host.supervisor.pid(of: "metered"))
        kill(pid, SIGKILL)
        try await waitUntil { host.supervisor.pid(of: "metered") == nil }
        _ = try await client.info()
        #expect(try metrics.expectCounter(PluginMetrics.Name.restarts, [("plugin", "metered")]).totalValue == 1)
        await host.supervisor.shutdown()
    }
}
