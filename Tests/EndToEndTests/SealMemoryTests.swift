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
        var barrierKeyFound: String?
        for _ in 0..<3 {
            (found, control, barrierKeyFound) = try await CoreDump.onOwnThread {
                let dump = try CoreDump.take(of: pid, into: dir.url)
                // Where a barrier key copy sits, for the note below: which mapping, which thread.
                let where_ = termKeys.first { dump.contains($0) }.map { dump.locate($0, pid: pid) }
                return (needles.filter { dump.contains($0.1) }.map(\.0), dump.contains(Data("custos".utf8)), where_)
            }
            if found.isEmpty { break }
        }
        #expect(found.isEmpty, "three dumps in a row still hold: \(found)")
        if let barrierKeyFound {
            print("note: the dump still holds the barrier key (see docs/operations.md):\n\(barrierKeyFound)")
        }
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

    func contains(_ needle: Data) -> Bool {
        !offsets(of: needle, limit: 1).isEmpty
    }
}

extension CoreDump {
    /// Where `needle` is: for each copy, its address and the mapping that holds it (from the live
    /// process's maps), then every thread's name and stack pointer (from gdb), so that a copy on
    /// a thread stack names its thread.
    func locate(_ needle: Data, pid: Int32) -> String {
        func load<T>(_ at: Int, _: T.Type) -> T { bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: at, as: T.self) } }
        // The core's ELF64 program headers: PT_LOAD segments map file offsets to addresses.
        let headers = Int(load(0x20, UInt64.self)), size = Int(load(0x36, UInt16.self)), count = Int(load(0x38, UInt16.self))
        let maps = ((try? String(contentsOfFile: "/proc/\(pid)/maps", encoding: .utf8)) ?? "").split(separator: "\n")
        var lines: [String] = []
        for offset in offsets(of: needle) {
            for index in 0..<count {
                let header = headers + index * size
                let fileOffset = Int(load(header + 8, UInt64.self)), fileSize = Int(load(header + 32, UInt64.self))
                guard load(header, UInt32.self) == 1, offset >= fileOffset, offset < fileOffset + fileSize else { continue }
                let address = load(header + 16, UInt64.self) + UInt64(offset - fileOffset)
                let mapping = maps.first { line in
                    let range = line.prefix { $0 != " " }.split(separator: "-").compactMap { UInt64($0, radix: 16) }
                    return range.count == 2 && address >= range[0] && address < range[1]
                }
                lines.append("  0x\(String(address, radix: 16)) in \(mapping.map(String.init) ?? "an unknown mapping")")
            }
        }
        let gdb = Process()
        gdb.executableURL = URL(fileURLWithPath: "/usr/bin/gdb")
        gdb.arguments = ["-p", String(pid), "-batch", "-ex", "thread apply all p/x $sp"]
        let output = Pipe()
        gdb.standardOutput = output
        gdb.standardError = FileHandle.nullDevice
        if (try? gdb.run()) != nil {
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            gdb.waitUntilExit()
            lines += text.split(separator: "\n").filter { $0.hasPrefix("Thread") || $0.hasPrefix("$") }.map { "  \($0)" }
        }
        return lines.joined(separator: "\n")
    }

    /// memchr for the first byte, memcmp for the rest: fast enough over a dump of ~1 GB.
    func offsets(of needle: Data, limit: Int = 16) -> [Int] {
        var result: [Int] = []
        bytes.withUnsafeBytes { haystack in
            needle.withUnsafeBytes { target in
                guard let base = haystack.baseAddress, let needleBase = target.baseAddress, let first = target.first else { return }
                var offset = 0
                while offset + target.count <= haystack.count {
                    guard let hit = memchr(base + offset, Int32(first), haystack.count - offset - target.count + 1) else { return }
                    let position = base.distance(to: UnsafeRawPointer(hit))
                    if memcmp(hit, needleBase, target.count) == 0 {
                        result.append(position)
                        if result.count == limit { return }
                    }
                    offset = position + 1
                }
            }
        }
        return result
    }
}
