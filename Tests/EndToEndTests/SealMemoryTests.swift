import Crypto
@testable import CustosCore
import CustosJSON
import CustosTesting
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// After `sys/seal`, a memory dump of the server holds none of the keys and secrets it handled:
/// not the unseal key (raw, hex or base64 as it was sent), the root key, the root token, nor a
/// secret value written and read before the seal. The barrier's own key is looked for too and
/// reported, not asserted: on a loaded machine a copy sometimes survives on a thread stack that no
/// code of Custos runs on after the seal (see docs/operations.md).
@Suite("seal drops secrets")
struct SealMemoryTests {
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/gcore"), "needs gcore (gdb)"))
    func aCoreDumpAfterSealHoldsNoKeyTokenOrSecret() async throws {
        let dir = try TemporaryDirectory()
        let server = try await ServerProcess.start(config: try persistentConfig(in: dir))
        defer { Task { await server.stop() } }
        // Each request on its own connection: a connection still open holds its last request in
        // its read buffer, which is live memory, not freed memory (see docs/operations.md).
        let close = [("Connection", "close")]
        let anonymous = VaultTestClient(address: server.address)
        let initialised = try await anonymous.request(
            "PUT", "sys/init", json: ["secret_shares": 1, "secret_threshold": 1], headers: close, useToken: false)
        let keyHex = try #require(initialised.json?["keys"]?.testStrings.first)
        let keyBase64 = try #require(initialised.json?["keys_base64"]?.testStrings.first)
        let rootToken = try #require(initialised.json?["root_token"]?.stringValue)
        #expect(try await anonymous.request("PUT", "sys/unseal", json: ["key": .string(keyHex)], headers: close, useToken: false).status == 200)

        let root = VaultTestClient(address: server.address, token: rootToken)
        let secretValue = "seal-test-secret-\(UUID().uuidString)"
        #expect(try await root.request("POST", "sys/mounts/secret", json: ["type": "kv"], headers: close).status == 204)
        #expect(try await root.request("POST", "secret/app", json: ["password": .string(secretValue)], headers: close).status == 204)
        #expect(try await root.request("GET", "secret/app", headers: close).data?["password"] == .string(secretValue))
        #expect(try await root.request("PUT", "sys/seal", headers: close).status == 204)

        // The keys the dump must not hold, recovered from storage with the unseal key.
        let unsealKey = try #require(Data(base64Encoded: keyBase64))
        let storage = try SQLiteStorage(path: dir.url.appendingPathComponent("data/custos.db").path)
        let wrapped = try #require(try await storage.get(RootKeyWrap.storageKey))
        let rootKey = try RootKeyWrap.unwrap(wrapped, unsealKey: Array(unsealKey))
        let keyring = try Keyring.open(try #require(try await storage.get(Keyring.storageKey)), rootKey: try #require(EncryptionKey(bytes: rootKey)))
        let termKeys = keyring.terms.values.map { $0.key.symmetricKey.withUnsafeBytes { Data($0) } }

        let needles: [(String, Data)] = [
            ("unseal key", unsealKey), ("unseal key as hex", Data(keyHex.utf8)), ("unseal key as base64", Data(keyBase64.utf8)),
            ("root key", Data(rootKey)), ("root token", Data(rootToken.utf8)), ("secret value", Data(secretValue.utf8)),
        ]
        // gcore and the scan of ~1 GB block: on a thread of their own, not Swift's small pool,
        // so that concurrent tests waiting on timers are not starved.
        // On a loaded machine the last request's task may still be releasing its buffers when
        // the seal answers: a dump that still shows one is taken again, three times at most
        // (the event awaited is "freed"; each dump takes a few seconds).
        let pid = server.pid
        var found: [String] = []
        var control = false
        var barrierKeyFound = false
        for _ in 0..<3 {
            (found, control, barrierKeyFound) = try await CoreDump.onOwnThread {
                let dump = try CoreDump.take(of: pid, into: dir.url)
                return (needles.filter { dump.contains($0.1) }.map(\.0), dump.contains(Data("custos".utf8)),
                        termKeys.contains { dump.contains($0) })
            }
            if found.isEmpty { break }
        }
        #expect(found.isEmpty, "three dumps in a row still hold: \(found)")
        if barrierKeyFound { print("note: the dump still holds the barrier key (a thread-stack copy; see docs/operations.md)") }
        // The check can fail: the dump does hold what is not secret.
        #expect(control)
    }
}

/// A core dump of a running process (`gcore`), searched in place.
struct CoreDump {
    let bytes: Data

    static func onOwnThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try work() }) }.start()
        }
    }

    static func take(of pid: Int32, into directory: URL) throws -> CoreDump {
        let prefix = directory.appendingPathComponent("core").path
        let gcore = Process()
        gcore.executableURL = URL(fileURLWithPath: "/usr/bin/gcore")
        gcore.arguments = ["-o", prefix, String(pid)]
        gcore.standardOutput = FileHandle.nullDevice
        gcore.standardError = FileHandle.nullDevice
        try gcore.run()
        gcore.waitUntilExit()
        let file = URL(fileURLWithPath: "\(prefix).\(pid)")
        defer { try? FileManager.default.removeItem(at: file) }
        return CoreDump(bytes: try Data(contentsOf: file, options: .alwaysMapped))
    }

    /// memchr for the first byte, memcmp for the rest: fast enough over a dump of ~1 GB.
    func contains(_ needle: Data) -> Bool {
        guard !needle.isEmpty else { return true }
        return bytes.withUnsafeBytes { haystack in
            needle.withUnsafeBytes { target in
                guard let base = haystack.baseAddress, let first = target.first else { return false }
                var offset = 0
                while offset + target.count <= haystack.count {
                    guard let hit = memchr(base + offset, Int32(first), haystack.count - offset - target.count + 1) else { return false }
                    let position = base.distance(to: UnsafeRawPointer(hit))
                    if let needleBase = target.baseAddress, memcmp(hit, needleBase, target.count) == 0 { return true }
                    offset = position + 1
                }
                return false
            }
        }
    }
}
