import CustosCore
import CustosTesting
import DatabasePluginProtocol
import Foundation
import Logging
import Synchronization
import Testing

@testable import PluginHost

/// Finds the built products (`custos-test-plugin`) next to the running test bundle.
enum TestProducts {
    struct Missing: Error, CustomStringConvertible {
        var description: String
    }

    static let testPluginName = "custos-test-plugin"

    /// Directory holding `custos-test-plugin`: `$CUSTOS_TEST_PLUGIN_DIR`, else the first directory
    /// at or above the test executable (resolved through /proc/self/exe) that contains it.
    static func directory() throws -> String {
        if let explicit = ProcessInfo.processInfo.environment["CUSTOS_TEST_PLUGIN_DIR"] { return explicit }
        let starts = [
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? "",
            CommandLine.arguments.first ?? "",
            Bundle.main.bundlePath,
        ]
        for start in starts where !start.isEmpty {
            var url = URL(fileURLWithPath: start).deletingLastPathComponent()
            for _ in 0..<6 {
                if FileManager.default.isExecutableFile(atPath: url.appendingPathComponent(testPluginName).path) {
                    return url.path
                }
                url = url.deletingLastPathComponent()
            }
        }
        throw Missing(
            description: """
                \(testPluginName) was not found next to the test bundle; build it first \
                (swift build --product \(testPluginName)) or set CUSTOS_TEST_PLUGIN_DIR
                """)
    }

    static func testPluginPath() throws -> String {
        try directory() + "/" + testPluginName
    }

    /// The SDK's no-op example plugin, if it was built next to the test plugin.
    static var noopPluginPath: String? {
        guard let directory = try? directory() else { return nil }
        let path = directory + "/noop-database-plugin"
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }

    static func testPluginSHA256() throws -> String {
        try FileChecksum.sha256Hex(ofFileAt: testPluginPath())
    }

    /// The repository root (the directory holding Package.swift above this file).
    static func repositoryRoot(file: String = #filePath) -> URL? {
        var url = URL(fileURLWithPath: file).deletingLastPathComponent()
        for _ in 0..<6 {
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
            url = url.deletingLastPathComponent()
        }
        return nil
    }
}

/// A supervisor over a catalog whose plugin directory is the build directory.
struct HostFixture {
    let catalog: PluginCatalog
    let supervisor: PluginSupervisor
    let logs: CapturedLogs

    init(
        configure: (inout PluginSupervisorConfiguration) -> Void = { _ in },
        isPaused: @escaping @Sendable () -> Bool = { false },
        background: BackgroundTaskHost = .runningForTesting()
    ) throws {
        catalog = try PluginCatalog(storage: InMemoryPluginCatalogStorage(), pluginDirectory: TestProducts.directory())
        var configuration = PluginSupervisorConfiguration()
        configuration.initialBackoff = .milliseconds(20)
        configuration.maxBackoff = .milliseconds(200)
        // Ends only a call that failed; tests that want a deadline give their own.
        configuration.callTimeout = .seconds(120)
        configure(&configuration)
        let logs = CapturedLogs()
        self.logs = logs
        supervisor = PluginSupervisor(
            launchSpecs: catalog, configuration: configuration,
            logger: Logger(label: "test.plugins") { label in CapturingLogHandler(logs: logs) }, isPaused: isPaused,
            runInBackground: background.submitter)
    }

    /// Registers the test plugin as `name` with the given environment.
    func register(_ name: String, env: [String] = []) async throws -> PluginClient {
        try await catalog.register(
            PluginCatalogEntry(
                name: name, command: TestProducts.testPluginName, env: env, sha256: TestProducts.testPluginSHA256()))
        return supervisor.client(for: name)
    }
}

/// Log lines captured for assertions.
final class CapturedLogs: Sendable {
    struct Line: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
    }

    private let lines = Mutex<[Line]>([])

    func append(_ line: Line) {
        lines.withLock { $0.append(line) }
    }

    var all: [Line] {
        lines.withLock { $0 }
    }
}

struct CapturingLogHandler: LogHandler {
    let logs: CapturedLogs
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged: [String: String] = [:]
        for (key, value) in metadata { merged[key] = "\(value)" }
        for (key, value) in event.metadata ?? [:] { merged[key] = "\(value)" }
        logs.append(.init(level: event.level, message: "\(event.message)", metadata: merged))
    }
}

/// True while `pid` exists in any state (a zombie counts: it has not been reaped).
func processExists(_ pid: pid_t) -> Bool {
    FileManager.default.fileExists(atPath: "/proc/\(pid)")
}

let testConfig: PluginConfig = ["connection_url": "postgres://{{username}}:{{password}}@db/x", "password": "s3cret"]

func newUserRequest(_ connection: String, _ username: String) -> NewUserRequest {
    NewUserRequest(
        connection: connection, username: username, password: "pw-\(username)",
        expiration: Date(timeIntervalSince1970: 1_795_000_000), statements: [], rollbackStatements: [])
}

/// The test plugin's "stats" answer for a connection: "inits=<n> verified=<bool> pid=<pid>".
struct PluginStats: Equatable {
    var initializations: Int
    var verified: Bool
    var pid: Int32

    init(_ text: String) throws {
        var fields: [String: String] = [:]
        for part in text.split(separator: " ") {
            let pair = part.split(separator: "=", maxSplits: 1)
            if pair.count == 2 { fields[String(pair[0])] = String(pair[1]) }
        }
        initializations = try #require(fields["inits"].flatMap { Int($0) })
        verified = fields["verified"] == "true"
        pid = try #require(fields["pid"].flatMap { Int32($0) })
    }
}

extension PluginClient {
    func stats(_ connection: String) async throws -> PluginStats {
        try PluginStats(try await newUser(newUserRequest(connection, "stats")).username)
    }
}

struct ConditionTimedOut: Error {}

/// Polls `condition` until it holds (for states no event announces, such as "N calls in flight").
/// The deadline only ends a wait that failed: generous, since a loaded test process can starve
/// the tasks the condition waits for for many seconds.
func waitUntil(timeout: Duration = .seconds(120), _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while try await !condition() {
        guard ContinuousClock.now < deadline else { throw ConditionTimedOut() }
        try await Task.sleep(for: .milliseconds(5))
    }
}
