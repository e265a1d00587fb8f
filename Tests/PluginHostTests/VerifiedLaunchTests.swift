import CustosCore
import CustosTesting
import DatabasePluginProtocol
import Foundation
import Logging
import Synchronization
import Testing

@testable import PluginHost

#if canImport(Glibc)
import Glibc
#endif

/// What runs is what was hashed. While a background thread keeps replacing the catalogued file
/// with an evil version and back (renamed over it, and rewritten in place), every launch either
/// runs the good version or is refused for its checksum; the evil one never runs.
@Suite struct VerifiedLaunchTests {
    enum Kind: String, CaseIterable, Sendable {
        /// `#!/bin/sh` scripts: the interpreter opens the script again after exec.
        case script
        /// ELF binaries: the test plugin (good) and the noop plugin (evil).
        case binary
    }

    static let launches = 100

    @Test(arguments: Kind.allCases) func swappedPluginFileNeverRuns(kind: Kind) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("custos-swap-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let marker = directory.appendingPathComponent("evil-ran").path
        let testPlugin = try TestProducts.testPluginPath()
        let noop = try #require(TestProducts.noopPluginPath)
        let (good, evil): ([UInt8], [UInt8])
        switch kind {
        case .script:
            good = Array("#!/bin/sh\nexec '\(testPlugin)'\n".utf8)
            evil = Array("#!/bin/sh\ntouch '\(marker)'\nexec '\(noop)'\n".utf8)
        case .binary:
            good = try Array(Data(contentsOf: URL(fileURLWithPath: testPlugin)))
            evil = try Array(Data(contentsOf: URL(fileURLWithPath: noop)))
        }
        let plugin = directory.appendingPathComponent("plugin").path
        try writeNewFile(plugin, good)
        let catalog = try PluginCatalog(storage: InMemoryPluginCatalogStorage(), pluginDirectory: directory.path)
        try await catalog.register(
            PluginCatalogEntry(name: "swapped", command: "plugin", sha256: FileChecksum.sha256Hex(ofFileAt: plugin)))
        let supervisor = PluginSupervisor(
            launchSpecs: catalog, logger: Logger(label: "test.swap") { _ in SwiftLogNoOpLogHandler() },
            runInBackground: BackgroundTaskHost.runningForTesting().submitter)

        let swapper = Swapper(path: plugin, good: good, evil: evil)
        let thread = Thread { swapper.run() }
        thread.start()
        // Launches that got past the checksum: the good file, or (before the fix) whatever was there
        // at exec time. After a refusal, the next attempt waits for the file to change.
        var outcomes: [String: Int] = [:]
        var launched = 0
        while launched < Self.launches {
            let step = swapper.steps
            do {
                try await supervisor.reload("swapped")
                let name = try await supervisor.client(for: "swapped").info().name
                outcomes[name == TestProducts.testPluginName ? "good" : "ran \(name)", default: 0] += 1
                launched += 1
            } catch let error as PluginHostError where error.code == .checksumMismatch {
                outcomes[error.code.rawValue, default: 0] += 1
                await swapper.waitForReplacement(after: step)
            } catch {
                // Recorded, not thrown: the swapper must be stopped below whatever happens.
                let text = (error as? PluginHostError).map { "\($0.code.rawValue): \($0.message)" } ?? "\(error)"
                outcomes[text, default: 0] += 1
                launched += 1
            }
        }
        await swapper.stop()
        await supervisor.shutdown()

        #expect(!FileManager.default.fileExists(atPath: marker), "the evil script ran: \(outcomes)")
        let allowed: Set = ["good", PluginHostError.Code.checksumMismatch.rawValue]
        #expect(Set(outcomes.keys).isSubset(of: allowed), "\(outcomes)")
        #expect(outcomes["good", default: 0] == Self.launches, "\(outcomes)")
        #expect(outcomes[PluginHostError.Code.checksumMismatch.rawValue, default: 0] > 0, "the file never changed")
    }
}

extension VerifiedLaunchTests {
    @Test func theCopyRunsUnderTheCataloguedNameAndGoesWithTheProcess() async throws {
        let host = try HostFixture()
        _ = try await host.register("copied").info()
        let pid = try #require(host.supervisor.pid(of: "copied"))
        let catalogued = try #require(PluginCommandResolver.realPath(try TestProducts.testPluginPath()))

        // It runs from a private copy, under the catalogued path's name and with it as argv[0].
        let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/exe")
        #expect(executable != catalogued)
        #expect(executable.hasSuffix("/" + TestProducts.testPluginName))
        let directory = URL(fileURLWithPath: executable).deletingLastPathComponent().path
        let permissions = try FileManager.default.attributesOfItem(atPath: directory)[.posixPermissions] as? Int
        #expect(permissions.map { $0 & 0o777 } == 0o700)
        let commandLine = try #require(FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"))
        #expect(commandLine.split(separator: 0).first.map { String(decoding: $0, as: UTF8.self) } == catalogued)

        // The copy goes with the process.
        await host.supervisor.shutdown()
        #expect(!FileManager.default.fileExists(atPath: directory))
    }
}

/// Replaces `path` by `evil` then `good`, renamed over it and then rewritten in place, over and over
/// with random pauses (so that launches meet every state) until stopped.
private final class Swapper: Sendable {
    let path: String
    let good: [UInt8]
    let evil: [UInt8]
    private let state = Mutex(State())

    private struct State {
        var stopRequested = false
        var finished = false
        /// Replacements done so far.
        var steps = 0
        var stepWaiters: [CheckedContinuation<Void, Never>] = []
        var stopWaiter: CheckedContinuation<Void, Never>?
    }

    init(path: String, good: [UInt8], evil: [UInt8]) {
        self.path = path
        self.good = good
        self.evil = evil
    }

    var steps: Int { state.withLock { $0.steps } }

    /// The thread's body. Failures are ignored: before the fix, a file being executed refuses
    /// writers (ETXTBSY).
    func run() {
        let temporary = path + ".next"
        while !state.withLock({ $0.stopRequested }) {
            for bytes in [evil, good] {
                unlink(temporary)
                if (try? writeNewFile(temporary, bytes)) != nil { rename(temporary, path) }
                replaced(bytes)
            }
            for bytes in [evil, good] {
                let descriptor = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC)
                if descriptor >= 0 {
                    _ = writeAll(descriptor, bytes)
                    close(descriptor)
                }
                replaced(bytes)
            }
        }
        let waiters = state.withLock { state in
            state.finished = true
            defer { state.stepWaiters = [] }
            return state.stepWaiters + (state.stopWaiter.map { [$0] } ?? [])
        }
        waiters.forEach { $0.resume() }
    }

    /// Returns once the file has been replaced again after `step` (or the thread has stopped).
    func waitForReplacement(after step: Int) async {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state in
                if state.steps > step || state.finished { return true }
                state.stepWaiters.append(continuation)
                return false
            }
            if ready { continuation.resume() }
        }
    }

    /// Asks the thread to stop and returns once it has.
    func stop() async {
        await withCheckedContinuation { continuation in
            let finished = state.withLock { state in
                state.stopRequested = true
                if !state.finished { state.stopWaiter = continuation }
                return state.finished
            }
            if finished { continuation.resume() }
        }
    }

    /// Counts the step and wakes its waiters, then lets the new file be: the good one longer, so
    /// that launches often start from it (and, before the fix, got swapped under).
    private func replaced(_ bytes: [UInt8]) {
        let waiters = state.withLock { state in
            state.steps += 1
            defer { state.stepWaiters = [] }
            return state.stepWaiters
        }
        waiters.forEach { $0.resume() }
        usleep(bytes == good ? UInt32.random(in: 0...5_000) : UInt32.random(in: 0...500))
    }
}

/// Creates `path` (mode 0755) holding `bytes`. O_CLOEXEC: a plugin spawned meanwhile must not
/// inherit a writer (the kernel would refuse to execute the file: ETXTBSY).
private func writeNewFile(_ path: String, _ bytes: [UInt8]) throws {
    let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o755)
    guard descriptor >= 0 else { throw CocoaError(.fileWriteUnknown) }
    defer { close(descriptor) }
    guard writeAll(descriptor, bytes) else { throw CocoaError(.fileWriteUnknown) }
}

private func writeAll(_ descriptor: CInt, _ bytes: [UInt8]) -> Bool {
    var offset = 0
    while offset < bytes.count {
        let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        if written < 0 && errno == EINTR { continue }
        guard written > 0 else { return false }
        offset += written
    }
    return true
}
