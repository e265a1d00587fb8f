import CustosCore
import CustosTesting
import Foundation
import Testing

@testable import PluginHost

@Suite struct PluginCatalogTests {
    /// A fresh plugin directory holding a copy of the test plugin as `plugin` and a non-executable file.
    private func makePluginDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("custos-plugins-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: TestProducts.testPluginPath(), toPath: directory.appendingPathComponent("plugin").path)
        _ = FileManager.default.createFile(
            atPath: directory.appendingPathComponent("data.txt").path, contents: Data("x".utf8))
        return directory
    }

    private func entry(_ command: String, sha256: String? = nil) throws -> PluginCatalogEntry {
        PluginCatalogEntry(name: "p", command: command, sha256: try sha256 ?? TestProducts.testPluginSHA256())
    }

    @Test func registerGetListDeregister() async throws {
        let directory = try makePluginDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let storage = InMemoryPluginCatalogStorage()
        let catalog = try PluginCatalog(
            storage: storage, pluginDirectory: directory.path,
            builtins: [.init(name: "builtin-test", path: TestProducts.testPluginPath())])
        var registered = try entry("plugin")
        registered.sha256 = registered.sha256.uppercased()
        registered.version = "1.2.3"
        registered.env = ["A=1"]
        try await catalog.register(registered)
        let stored = try #require(try await catalog.get("p"))
        #expect(stored.sha256 == registered.sha256.lowercased())
        #expect(stored.version == "1.2.3" && stored.env == ["A=1"] && !stored.builtin)
        #expect(try await storage.list(prefix: "database/") == ["p"])
        #expect(try await catalog.list().map(\.name) == ["builtin-test", "p"])
        let builtin = try #require(try await catalog.get("builtin-test"))
        let expectedSHA = try TestProducts.testPluginSHA256()
        #expect(builtin.builtin && builtin.sha256 == expectedSHA)

        try await catalog.deregister("p")
        #expect(try await catalog.get("p") == nil)
        try await catalog.deregister("p")  // idempotent
        let error = try await #require(throws: PluginHostError.self) { try await catalog.deregister("builtin-test") }
        #expect(error.code == .builtinImmutable)
        let shadow = try await #require(throws: PluginHostError.self) {
            try await catalog.register(
                PluginCatalogEntry(
                    name: "builtin-test", command: "plugin", sha256: try TestProducts.testPluginSHA256()))
        }
        #expect(shadow.code == .builtinImmutable)
        #expect(try await catalog.launchSpec(for: "builtin-test").commandPath.hasSuffix("custos-test-plugin"))
    }

    @Test(arguments: [
        ("/bin/sh", PluginHostError.Code.commandAbsolute),
        ("../plugin", .commandTraversal),
        ("sub/../../plugin", .commandTraversal),
        ("missing", .commandNotFound),
        ("data.txt", .commandNotExecutable),
        ("escape", .commandOutsideDirectory),
        ("", .invalidEntry),
    ])
    func commandsOutsideTheDirectoryAreRefused(command: String, expected: PluginHostError.Code) async throws {
        let directory = try makePluginDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createSymbolicLink(
            atPath: directory.appendingPathComponent("escape").path, withDestinationPath: "/bin/sh")
        let catalog = try PluginCatalog(storage: InMemoryPluginCatalogStorage(), pluginDirectory: directory.path)
        let error = try await #require(throws: PluginHostError.self) { try await catalog.register(try entry(command)) }
        #expect(error.code == expected)
        #expect(error.plugin == "p")
    }

    @Test func symlinkInsideTheDirectoryIsAccepted() async throws {
        let directory = try makePluginDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createSymbolicLink(
            atPath: directory.appendingPathComponent("alias").path, withDestinationPath: "plugin")
        let catalog = try PluginCatalog(storage: InMemoryPluginCatalogStorage(), pluginDirectory: directory.path)
        try await catalog.register(try entry("alias"))
        #expect(try await catalog.launchSpec(for: "p").commandPath == directory.appendingPathComponent("plugin").path)
    }

    @Test func invalidEntriesAreRefused() async throws {
        let directory = try makePluginDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let catalog = try PluginCatalog(storage: InMemoryPluginCatalogStorage(), pluginDirectory: directory.path)
        var badName = try entry("plugin")
        badName.name = "a/b"
        await #expect(
            throws: PluginHostError(
                .invalidName, "plugin names are 1-128 characters of letters, digits, '-', '_' and '.'")
        ) {
            try await catalog.register(badName)
        }
        let badSHA = try await #require(throws: PluginHostError.self) {
            try await catalog.register(try entry("plugin", sha256: "abc"))
        }
        #expect(badSHA.code == .invalidEntry)
        var badEnv = try entry("plugin")
        badEnv.env = ["NOEQUALS"]
        let envError = try await #require(throws: PluginHostError.self) { try await catalog.register(badEnv) }
        #expect(envError.code == .invalidEntry)
        let noDirectory = try PluginCatalog(storage: InMemoryPluginCatalogStorage(), pluginDirectory: nil)
        let directoryError = try await #require(throws: PluginHostError.self) {
            try await noDirectory.register(try entry("plugin"))
        }
        #expect(directoryError.code == .pluginDirectoryNotConfigured)
    }

    @Test func checksumMismatchRefusesToLaunch() async throws {
        let directory = try makePluginDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let catalog = try PluginCatalog(storage: InMemoryPluginCatalogStorage(), pluginDirectory: directory.path)
        try await catalog.register(try entry("plugin", sha256: String(repeating: "0", count: 64)))
        let supervisor = PluginSupervisor(
            launchSpecs: catalog, runInBackground: BackgroundTaskHost.runningForTesting().submitter)
        let error = try await #require(throws: PluginHostError.self) {
            _ = try await supervisor.client(for: "p").info()
        }
        #expect(error.code == .checksumMismatch)
        #expect(error.description.contains("\"p\""))
        #expect(await supervisor.pid(of: "p") == nil)
        await supervisor.shutdown()
    }

    @Test func binaryReplacedAfterRegistrationIsRefused() async throws {
        let directory = try makePluginDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let catalog = try PluginCatalog(storage: InMemoryPluginCatalogStorage(), pluginDirectory: directory.path)
        try await catalog.register(try entry("plugin"))
        _ = try await catalog.launchSpec(for: "p")
        let handle = try FileHandle(forWritingTo: directory.appendingPathComponent("plugin"))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data([0]))
        try handle.close()
        let error = try await #require(throws: PluginHostError.self) { _ = try await catalog.launchSpec(for: "p") }
        #expect(error.code == .checksumMismatch)
    }

    @Test func unknownPluginIsNotFound() async throws {
        let catalog = try PluginCatalog(storage: InMemoryPluginCatalogStorage(), pluginDirectory: nil)
        let error = try await #require(throws: PluginHostError.self) { _ = try await catalog.launchSpec(for: "x") }
        #expect(error.code == .notFound)
    }
}
