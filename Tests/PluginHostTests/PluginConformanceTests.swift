import DatabasePluginProtocol
import Foundation
import Testing

@testable import PluginHost

@Suite struct PluginConformanceTests {
    fileprivate static var pythonExample: String? {
        guard let root = TestProducts.repositoryRoot() else { return nil }
        let path = root.appendingPathComponent("Plugins/Examples/python/custos_example_plugin.py").path
        let hasPython = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").contains {
            FileManager.default.isExecutableFile(atPath: "\($0)/python3")
        }
        return hasPython && FileManager.default.fileExists(atPath: path) ? path : nil
    }

    /// An interpreter's start-up on a loaded machine can take seconds; the checks are about
    /// behaviour, so they get a generous bound.
    fileprivate static let pythonStartUpBound: Duration = .seconds(60)

    @Test func testPluginPassesEveryCheck() async throws {
        let checker = PluginConformanceChecker(executablePath: try TestProducts.testPluginPath(), config: testConfig)
        let results = await checker.run()
        for result in results where !result.passed { Issue.record("\(result)") }
        #expect(results.count == 12)
        #expect(results.allSatisfy { $0.passed })
        #expect(results.contains { $0.name.contains("concurrent") })
    }

    @Test func badProtocolVersionFailsTheHandshakeCheck() async throws {
        let checker = PluginConformanceChecker(
            executablePath: try TestProducts.testPluginPath(),
            environment: ["CUSTOS_TEST_PLUGIN_MODE=bad-protocol-version"])
        let results = await checker.run()
        let handshake = try #require(results.first)
        #expect(handshake.name == "handshake" && !handshake.passed)
        #expect(handshake.detail.contains("[2, 3]"))
        // The run stops after a failed handshake, except for the by-hand check.
        #expect(results.count == 2)
    }

    @Test func pluginIgnoringStdinCloseFailsTheExitCheck() async throws {
        var checker = PluginConformanceChecker(
            executablePath: try TestProducts.testPluginPath(), environment: ["CUSTOS_TEST_PLUGIN_MODE=ignore-stdin-eof"]
        )
        checker.exitGrace = .milliseconds(500)
        let results = await checker.run()
        let exit = try #require(results.first { $0.name.hasPrefix("exits 0") })
        #expect(!exit.passed)
        #expect(results.filter { !$0.passed }.count == 1)
    }

    @Test(.enabled(if: pythonExample != nil, "the Python example plugin or python3 is missing"))
    func pythonExamplePassesWithoutConfig() async throws {
        let script = try #require(Self.pythonExample)
        var checker = PluginConformanceChecker(executablePath: "/usr/bin/env", arguments: ["python3", script])
        checker.callTimeout = Self.pythonStartUpBound
        let results = await checker.run()
        for result in results where !result.passed { Issue.record("\(result)") }
        #expect(results.count == 6)
    }
}

extension PluginConformanceTests {
    @Test(.enabled(if: pythonExample != nil, "the Python example plugin or python3 is missing"))
    func pythonExamplePassesWithConfig() async throws {
        let script = try #require(Self.pythonExample)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("custos-python-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var checker = PluginConformanceChecker(
            executablePath: "/usr/bin/env", arguments: ["python3", script],
            config: ["path": .string(directory.appendingPathComponent("users.sqlite").path)])
        checker.callTimeout = Self.pythonStartUpBound
        let results = await checker.run()
        for result in results where !result.passed { Issue.record("\(result)") }
        #expect(results.count == 12)
    }
}

extension PluginConformanceTests {
    @Test(.enabled(if: TestProducts.noopPluginPath != nil, "noop-database-plugin is not built"))
    func sdkNoopPluginPassesEveryCheck() async throws {
        let checker = PluginConformanceChecker(
            executablePath: try #require(TestProducts.noopPluginPath), config: testConfig)
        let results = await checker.run()
        for result in results where !result.passed { Issue.record("\(result)") }
        #expect(results.count == 12)
    }
}
