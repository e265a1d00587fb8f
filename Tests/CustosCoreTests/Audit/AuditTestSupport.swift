@testable import CustosCore
import CustosJSON
import CustosTesting
import Foundation
import Glibc
import Logging
import Synchronization
import Testing
import VaultAPI

/// What the test engine did, and a hook it runs while it serves (after the request entry is
/// written, before the response entry): to look at the log or to break it mid-request.
final class CredsJournal: Sendable {
    let issued = Mutex<[String]>([])
    let revoked = Mutex<[String]>([])
    let duringHandle = Mutex<(@Sendable (EngineRequest) async throws -> Void)?>(nil)
}

/// An engine like the database engine's `creds/<role>`: a new username and password under a
/// lease, with the username declared safe to log in clear.
struct CredsTestEngine: SecretsEngine {
    let context: EngineContext
    let journal: CredsJournal

    static func type(_ journal: CredsJournal) -> SecretsEngineType {
        SecretsEngineType(
            name: "creds-test", auditNonHMACResponseKeys: AuditNonHMACKeys(["creds/{name}": ["username"]])
        ) { context in CredsTestEngine(context: context, journal: journal) }
    }

    func handle(_ request: EngineRequest) async throws -> LogicalResponse {
        guard request.path.hasPrefix("creds/") else { throw CustosError(.notFound, "no such path") }
        let username = "v-\(request.caller?.displayName ?? "")-\(UUID().uuidString.prefix(8).lowercased())"
        let password = "pw-\(UUID().uuidString)"
        let ticket = try await context.leases.beginIssue(for: request, keeping: ["username": username])
        journal.issued.withLock { $0.append(username) }
        if let hook = journal.duringHandle.withLock({ $0 }) { try await hook(request) }
        return LogicalResponse(
            data: ["username": JSONValue.string(username), "password": .string(password)],
            secret: try ResponseSecret(ttl: VaultDuration(seconds: 3600), keeping: ["username": username], ticket: ticket))
    }

    func revoke(_ lease: LeaseEntry) async throws {
        guard let name = lease.secretData.objectValue?["username"]?.stringValue else { return }
        journal.revoked.withLock { $0.append(name) }
    }
}

/// An unsealed in-memory core with KV at `secret/`, the test engine at `db/` and a scratch
/// directory for audit files.
struct AuditTestCore {
    let core: Core
    let storage: InMemoryStorage
    let root: String
    let keys: [[UInt8]]
    let journal: CredsJournal
    let directory: URL

    static func make() async throws -> AuditTestCore {
        let storage = InMemoryStorage()
        let journal = CredsJournal()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("custos-audit-\(UUID().uuidString.lowercased())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let core = makeCore(storage, journal, directory: directory)
        let result = try await core.initialize(
            shares: 1, threshold: 1,
            initialMounts: [MountEntry(path: "secret/", type: "kv"), MountEntry(path: "db/", type: "creds-test")])
        try await core.submitUnsealKey(result.keys[0])
        return AuditTestCore(core: core, storage: storage, root: result.rootToken, keys: result.keys, journal: journal, directory: directory)
    }

    /// The `syslog` device's daemon socket is `syslog.sock` in the scratch directory.
    static func makeCore(_ storage: InMemoryStorage, _ journal: CredsJournal, directory: URL) -> Core {
        var settings = CoreSettings()
        settings.syslogSocketPaths = [directory.appendingPathComponent("syslog.sock").path]
        let core = Core(
            physical: storage, settings: settings, engineTypes: [KVEngine.type, CredsTestEngine.type(journal)],
            logger: Logger(label: "test"))
        core.backgroundTasks.runDetachedForTesting()
        return core
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    func cleanUp() { try? FileManager.default.removeItem(at: directory) }

    @discardableResult
    func call(_ operation: LogicalOperation, _ path: String, _ json: String? = nil, token: String? = nil) async throws(CustosError) -> LogicalResponse {
        try await core.handle(LogicalRequest(
            operation: operation, path: path, body: json.map { Data($0.utf8) }, clientToken: token ?? root,
            remoteAddress: "192.0.2.7", remotePort: 40001))
    }

    func failure(_ operation: LogicalOperation, _ path: String, _ json: String? = nil, token: String? = nil) async -> CustosError? {
        do {
            try await call(operation, path, json, token: token)
            return nil
        } catch {
            return error
        }
    }

    /// Enables a file device at `device/` writing to `file` in the scratch directory.
    func enableFile(_ device: String = "file", file: String = "audit.log", options: [String: String] = [:]) async throws {
        var all = options
        all["file_path"] = path(file)
        let body = try JSONEncoder().encode(["type": JSONValue.string("file"), "options": .object(all.mapValues { .string($0) })])
        try await core.handle(LogicalRequest(operation: .update, path: "sys/audit/\(device)", body: body, clientToken: root))
    }

    /// The JSON lines of an audit file (the device's test entry included).
    func entries(_ file: String = "audit.log") throws -> [[String: JSONValue]] {
        let text = try String(contentsOfFile: path(file), encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            try JSONDecoder().decode([String: JSONValue].self, from: Data(line.utf8))
        }
    }

    /// A token with `policies`, and its accessor.
    func token(policies: [String]) async throws -> (token: String, accessor: String) {
        let created = try await call(.update, "auth/token/create", #"{"policies": \#(String(decoding: try JSONEncoder().encode(policies), as: UTF8.self)), "display_name": "app", "meta": {"app": "billing"}}"#)
        let auth = try #require(created.auth)
        return (auth.clientToken, auth.accessor)
    }

    func writePolicy(_ name: String, _ text: String) async throws {
        let body = try JSONEncoder().encode(["policy": text])
        try await core.handle(LogicalRequest(operation: .update, path: "sys/policies/acl/\(name)", body: body, clientToken: root))
    }
}

extension Dictionary where Key == String, Value == JSONValue {
    /// `entry["request"]["path"]`-style access for assertions.
    func at(_ keys: String...) -> JSONValue? {
        var current: JSONValue? = .object(self)
        for key in keys { current = current?.objectValue?[key] }
        return current
    }
}

/// A Unix socket of `type` bound at `path`.
func boundUnixSocket(at path: String, type: Int32) throws -> Int32 {
    let fd = socket(AF_UNIX, type | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard fd >= 0 else { throw POSIXError(.EBADF) }
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &address.sun_path) { buffer in
        for (index, byte) in path.utf8.enumerated() { buffer[index] = byte }
    }
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
    guard bound == 0 else {
        close(fd)
        throw POSIXError(.EADDRINUSE)
    }
    return fd
}

/// A listening Unix stream socket at `path` that accepts nothing by itself: connections wait in
/// its backlog, and what they send waits in their buffers until the test reads.
func unixListener(at path: String, backlog: Int32 = 64) throws -> Int32 {
    let listener = try boundUnixSocket(at: path, type: Int32(SOCK_STREAM.rawValue))
    guard listen(listener, backlog) == 0 else {
        close(listener)
        throw POSIXError(.EADDRINUSE)
    }
    return listener
}
