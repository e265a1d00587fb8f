import DatabasePluginKit
import Foundation
import Testing

/// Where the plugins under test live.
///
/// The noop plugin is an executable product built with the tests (the test target depends on
/// it), so it sits in the same products directory as the test binary. That directory is found
/// from the running test executable (`Bundle.main.executableURL`): on Linux it is
/// `<products>/<Package>PackageTests.xctest` itself, on macOS
/// `<products>/<Package>PackageTests.xctest/Contents/MacOS/...`, so the directory and up to
/// three of its ancestors are searched. Fallbacks: `$CUSTOS_NOOP_PLUGIN` (an explicit path),
/// then `.build/debug` and `.build/release` under the package root taken from `#filePath`.
enum PluginLocations {
    static let executableName = "noop-database-plugin"

    /// The package root: this file is `<root>/Tests/DatabasePluginKitTests/PluginLocations.swift`.
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    static func noopPlugin() throws -> String {
        var candidates: [URL] = []
        if let explicit = ProcessInfo.processInfo.environment["CUSTOS_NOOP_PLUGIN"] {
            candidates.append(URL(fileURLWithPath: explicit))
        }
        let testExecutable = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
        var directory = testExecutable.deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(directory.appendingPathComponent(executableName))
            directory = directory.deletingLastPathComponent()
        }
        for configuration in ["debug", "release"] {
            candidates.append(packageRoot.appendingPathComponent(".build/\(configuration)/\(executableName)"))
        }
        let found = candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
        return try #require(found, "\(executableName) not found; looked at \(candidates.map(\.path))").path
    }

    static var pythonPlugin: String {
        packageRoot.appendingPathComponent("Plugins/Examples/python/custos_example_plugin.py").path
    }

    static var pythonAvailable: Bool {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").contains {
            FileManager.default.isExecutableFile(atPath: "\($0)/python3")
        }
    }
}

/// A plugin the wire tests run against, with a config its `Initialize` accepts.
enum PluginUnderTest: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case noop
    case python

    var testDescription: String { rawValue }

    func command() throws -> [String] {
        switch self {
        case .noop: [try PluginLocations.noopPlugin()]
        case .python: [PluginLocations.pythonPlugin]  // run through its shebang: checks it is executable
        }
    }

    /// The example plugin keeps its users in a SQLite file; the noop one takes anything.
    func config(in directory: URL) -> JSONValue {
        switch self {
        case .noop: ["connection_url": "noop://"]
        case .python: ["path": .string(directory.appendingPathComponent("users.db").path)]
        }
    }

    static var available: [PluginUnderTest] {
        PluginLocations.pythonAvailable ? allCases : [.noop]
    }
}

/// A fresh temporary directory, removed when the test is done with it.
struct TemporaryDirectory: ~Copyable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("custos-sdk-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }
}
