import CustosCore
import CustosTesting
import DatabasePluginProtocol
import Foundation
import Logging
import NIOCore
import Testing

@testable import PluginHost

#if canImport(Glibc)
import Glibc
#endif

/// A plugin never leaves orphans: each runs in its own process group, and however it ends
/// (deadline, garbage, stop after the grace period, its own exit) the whole group is killed.
@Suite struct PluginProcessGroupTests {
    @Test func handshakeDeadlineKillsTheScriptsDescendants() async throws {
        // The reviewer's case: a catalog plugin `#!/bin/sh` + `sleep 100`, killed at the Info deadline.
        let script = try ShellPlugin(then: "sleep 100")
        defer { script.remove() }
        let catalog = try PluginCatalog(storage: InMemoryPluginCatalogStorage(), pluginDirectory: script.directory.path)
        try await catalog.register(
            PluginCatalogEntry(
                name: "hang", command: ShellPlugin.fileName, sha256: FileChecksum.sha256Hex(ofFileAt: script.path)))
        var configuration = PluginSupervisorConfiguration()
        // The script writes its pids as it starts; the deadline leaves a loaded machine time for that.
        configuration.handshakeTimeout = .seconds(8)
        let supervisor = PluginSupervisor(
            launchSpecs: catalog, configuration: configuration,
            runInBackground: BackgroundTaskHost.runningForTesting().submitter)
        let error = await #expect(throws: PluginHostError.self) {
            _ = try await supervisor.process(for: "hang", patience: .zero)
        }
        #expect(error?.code == .handshakeFailed)
        await supervisor.shutdown()

        // Written right after `sleep &`, long before the deadline.
        let pids = try #require(try script.startedPIDs())
        #expect(survivors(ofGroup: pids.leader, including: pids.sleeper).isEmpty)
    }

    @Test func garbageOnStdoutKillsTheScriptsDescendants() async throws {
        let script = try ShellPlugin(then: "echo 'this is not JSON'\nsleep 100")
        defer { script.remove() }
        let process = try await script.launch()
        let pids = try await script.waitForStart()
        #expect(pids.leader == process.pid)
        // The garbage may already have got the group killed; if the sleeper still runs, it is in it.
        if let group = processGroup(of: pids.sleeper) { #expect(group == process.pid) }

        await #expect(throws: PluginHostError.self) { _ = try await process.handshake(timeout: .seconds(20)) }
        #expect(try await process.exit.get() == .signaled(SIGKILL))
        #expect(survivors(ofGroup: pids.leader, including: pids.sleeper).isEmpty)
    }

    @Test func stopAfterTheGracePeriodKillsTheScriptsDescendants() async throws {
        let script = try ShellPlugin(then: "sleep 100")
        defer { script.remove() }
        let process = try await script.launch()
        let pids = try await script.waitForStart()
        #expect(processGroup(of: pids.sleeper) == process.pid)

        let status = await process.stop(grace: .milliseconds(200))
        #expect(status == .signaled(SIGKILL))
        #expect(survivors(ofGroup: pids.leader, including: pids.sleeper).isEmpty)
    }

    @Test func pluginExitingOnItsOwnTakesItsDescendantsAlong() async throws {
        // Exits cleanly on stdin EOF, as the protocol asks, but forgets its background job.
        let script = try ShellPlugin(then: "cat > /dev/null\nexit 0")
        defer { script.remove() }
        let process = try await script.launch()
        let pids = try await script.waitForStart()
        #expect(processGroup(of: pids.sleeper) == process.pid)

        let status = await process.stop(grace: .seconds(20))
        #expect(status == .exited(0))
        #expect(survivors(ofGroup: pids.leader, including: pids.sleeper).isEmpty)
    }
}

/// A `/bin/sh` plugin in its own directory that starts `sleep 100 &`, records "<its pid> <the
/// sleep's pid>", then runs `then`.
private struct ShellPlugin {
    static let fileName = "plugin.sh"
    let directory: URL
    var path: String { directory.appendingPathComponent(Self.fileName).path }
    private var pidFile: String { directory.appendingPathComponent("pids").path }

    init(then body: String) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("custos-pgroup-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let temporary = directory.appendingPathComponent("pids.tmp").path
        let text = """
            #!/bin/sh
            sleep 100 &
            echo "$$ $!" > '\(temporary)' && mv '\(temporary)' '\(directory.appendingPathComponent("pids").path)'
            \(body)

            """
        // O_CLOEXEC: Foundation's writers leave the descriptor inheritable, and a plugin spawned
        // meanwhile by a parallel test would keep the script open for writing (exec: ETXTBSY).
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o755)
        guard descriptor >= 0 else { throw CocoaError(.fileWriteUnknown) }
        defer { close(descriptor) }
        let bytes = Array(text.utf8)
        guard write(descriptor, bytes, bytes.count) == bytes.count else { throw CocoaError(.fileWriteUnknown) }
    }

    func launch() async throws -> PluginProcess {
        try await PluginProcess.launch(
            name: "sh", generation: 1, executablePath: path, arguments: [],
            environment: PluginEnvironment.build(
                entryEnvironment: [], inheritedNames: PluginEnvironment.defaultInherited, includeProtocolMarker: true),
            // The host's shared loop group, reached without the test target depending on NIOPosix.
            eventLoop: PluginConformanceChecker(executablePath: path).eventLoopGroup.next(),
            logger: Logger(label: "test.process-group"), onFailure: { _ in })
    }

    /// The pids, once the script has recorded them (renamed into place, so never half-written).
    func startedPIDs() throws -> (leader: pid_t, sleeper: pid_t)? {
        guard let text = FileManager.default.contents(atPath: pidFile) else { return nil }
        let fields = String(decoding: text, as: UTF8.self).split(whereSeparator: \.isWhitespace).compactMap {
            pid_t($0)
        }
        guard fields.count == 2 else { throw CocoaError(.fileReadCorruptFile) }
        return (fields[0], fields[1])
    }

    /// A file appearing is announced by no event we can await here: poll for it.
    func waitForStart() async throws -> (leader: pid_t, sleeper: pid_t) {
        try await waitUntil { try startedPIDs() != nil }
        return try #require(try startedPIDs())
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}

/// Field 5 of /proc/<pid>/stat (nil once the process is gone).
private func processGroup(of pid: pid_t) -> pid_t? {
    procStat(pid)?.group
}

/// State and process group from /proc/<pid>/stat; the command name may hold spaces, so parse after ')'.
private func procStat(_ pid: pid_t) -> (state: Character, group: pid_t)? {
    guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/stat"),
        let text = String(data: data, encoding: .utf8), let close = text.lastIndex(of: ")")
    else { return nil }
    let fields = text[text.index(after: close)...].split(separator: " ")
    guard fields.count > 3, let state = fields[0].first, let group = pid_t(fields[2]) else { return nil }
    return (state, group)
}

/// Processes of group `group` (plus `pid`, whatever its group) still alive once each has had up to
/// `patience` to die: SIGKILL is delivered asynchronously, so each one's exit is awaited on a pidfd.
/// A zombie counts as dead (it is not running; reaping orphans is init's job).
private func survivors(ofGroup group: pid_t, including pid: pid_t, patience: Duration = .seconds(10)) -> [pid_t] {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    let members = entries.compactMap { pid_t($0) }.filter { procStat($0)?.group == group }
    return Set(members + [pid]).filter { !waitForExit($0, patience: patience) }.sorted()
}

/// True once `pid` has exited (or no longer exists) within `patience`.
private func waitForExit(_ pid: pid_t, patience: Duration) -> Bool {
    let descriptor = systemPidfdOpen(pid, 0)
    guard descriptor >= 0 else { return errno == ESRCH }
    defer { close(descriptor) }
    var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
    let milliseconds = Int32(patience.components.seconds * 1000)
    while true {
        let ready = poll(&entry, 1, milliseconds)
        if ready < 0 && errno == EINTR { continue }
        return ready > 0 || procStat(pid).map { $0.state == "Z" } ?? true
    }
}

/// `pidfd_open(2)`: not in Glibc's module map.
@_silgen_name("pidfd_open")
private func systemPidfdOpen(_ pid: pid_t, _ flags: UInt32) -> CInt
