@testable import CustosCore
import CustosJSON
import Foundation
import Synchronization
import Glibc
import Testing

/// Enabling, listing, disabling, persisting and reopening devices, and failing closed when no
/// device can write.
@Suite("audit devices")
struct AuditDeviceTests {
    func body(_ object: [String: JSONValue]) throws -> String {
        String(decoding: try JSONEncoder().encode(object), as: UTF8.self)
    }

    @Test func badOptionsAreRefusedWithVaultsMessages() async throws {
        let test = try await AuditTestCore.make()
        defer { test.cleanUp() }
        let file = test.path("a.log")
        let cases: [([String: JSONValue], String)] = [
            (["type": "bogus"], "unknown backend type: \"bogus\""),
            ([:], "unknown backend type: \"\""),
            (["type": "file"], "file_path is required"),
            (["type": "file", "options": ["file_path": .string(file), "mode": "abc"]],
             "unable to parse \"mode\": \"abc\" is not an octal file mode such as 0600"),
            (["type": "file", "options": ["file_path": .string(file), "log_raw": "maybe"]],
             "unable to parse \"log_raw\": \"maybe\" is not a boolean"),
            (["type": "file", "options": ["file_path": .string(file), "hmac_accessor": "nope"]],
             "unable to parse \"hmac_accessor\": \"nope\" is not a boolean"),
            (["type": "file", "options": ["file_path": .string(file), "format": "xml"]], "unknown format type \"xml\""),
            (["type": "socket"], "address is required"),
            (["type": "socket", "options": ["address": "127.0.0.1:9", "socket_type": "udp2"]],
             "unsupported socket_type \"udp2\": use tcp or unix"),
            (["type": "socket", "options": ["address": "nowhere"]], "invalid address \"nowhere\": use host:port"),
            (["type": "file", "options": ["file_path": "/proc/custos-cannot-create/x.log"]], ""),
            (["type": "file", "options": ["file_path": .string(file)], "local": "maybe"], "invalid value for \"local\": expected a boolean"),
            (["type": "file", "options": ["file_path": .string(file), "nested": ["a": "b"]]], ""),
        ]
        for (json, message) in cases {
            let error = await test.failure(.update, "sys/audit/bad", try body(json))
            #expect(error?.code == .badRequest, "\(json)")
            if !message.isEmpty { #expect(error?.messages == [message], "\(json)") }
        }
        #expect(try await test.core.auditTable().entries.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: file))
        // Nothing enabled: requests are served without audit.
        try await test.call(.read, "db/creds/ro")
    }

    @Test func enableListDisableAndPathsInUse() async throws {
        let test = try await AuditTestCore.make()
        defer { test.cleanUp() }
        try await test.call(.update, "sys/audit/file", try body([
            "type": "file", "description": "main log", "local": true,
            "options": ["file_path": .string(test.path("audit.log")), "mode": "0640", "log_raw": false, "unknown": "kept"],
        ]))
        var info = stat()
        #expect(stat(test.path("audit.log"), &info) == 0 && info.st_mode & 0o777 == 0o640)
        #expect(await test.failure(.update, "sys/audit/file", try body(["type": "file", "options": ["file_path": "discard"]]))
            == .badRequest("path already in use"))
        #expect(await test.failure(.update, "sys/audit/file/sub", try body(["type": "file", "options": ["file_path": "discard"]]))
            == .badRequest("path already in use"))
        try await test.call(.update, "sys/audit/discard", try body(["type": "file", "options": ["file_path": "discard"]]))

        let listed = try await test.call(.read, "sys/audit")
        let devices = try JSONValue(encoding: AnyEncodable(try #require(listed.data)))
        #expect(devices.objectValue?.keys.sorted() == ["discard/", "file/"])
        #expect(devices.objectValue?["file/"] == [
            "type": "file", "description": "main log", "local": true, "path": "file/",
            "options": ["file_path": .string(test.path("audit.log")), "mode": "0640", "log_raw": "false", "unknown": "kept"],
        ])
        #expect(listed.shape == .envelopeWithTopLevelData)
        #expect(await test.failure(.read, "sys/audit/file") == .unsupportedOperation())
        #expect(await test.failure(.read, "sys/audit-hash/file") == .unsupportedOperation())
        #expect(await test.failure(.update, "sys/audit-hash/file", #"{"input": ""}"#) == .badRequest("the \"input\" parameter is empty"))
        #expect(await test.failure(.update, "sys/audit-hash/nothere", #"{"input": "x"}"#) == .badRequest("unknown audit backend \"nothere/\""))

        // Unknown parameters are reported as for every other path.
        let warned = try await test.call(.update, "sys/audit/more", #"{"type": "file", "options": {"file_path": "discard"}, "colour": "red"}"#)
        #expect(warned.warnings == ["Endpoint ignored these unrecognized parameters: [colour]"])

        try await test.call(.delete, "sys/audit/discard")
        try await test.call(.delete, "sys/audit/more/")
        try await test.call(.delete, "sys/audit/never-enabled")
        #expect(try await test.core.auditTable().entries.map(\.path) == ["file/"])
        // A disabled device's salt is gone with it.
        #expect(try await test.core.barrier.list(prefix: "audit/").count == 1)
    }

    @Test func sudoIsRequiredToManageDevices() async throws {
        let test = try await AuditTestCore.make()
        defer { test.cleanUp() }
        try await test.writePolicy("auditor", #"path "sys/audit*" { capabilities = ["create", "read", "update", "delete"] }"#)
        let auditor = try await test.token(policies: ["auditor"])
        #expect(await test.failure(.read, "sys/audit", token: auditor.token) == .permissionDenied)
        #expect(await test.failure(.update, "sys/audit/file", #"{"type": "file", "options": {"file_path": "discard"}}"#, token: auditor.token)
            == .permissionDenied)
        try await test.writePolicy("auditor", #"path "sys/audit*" { capabilities = ["create", "read", "update", "delete", "sudo"] }"#)
        try await test.call(.update, "sys/audit/file", #"{"type": "file", "options": {"file_path": "discard"}}"#, token: auditor.token)
        #expect(try await test.call(.read, "sys/audit", token: auditor.token).data != nil)
    }

    @Test func devicesAndSaltsSurviveSealAndRestart() async throws {
        let test = try await AuditTestCore.make()
        defer { test.cleanUp() }
        try await test.enableFile()
        let before = try await test.call(.update, "sys/audit-hash/file", #"{"input": "the-value"}"#)
        // Stored under the barrier: neither the table nor the salt appear in plain storage.
        for key in try await test.storage.scan(prefix: "") {
            let text = String(decoding: try await test.storage.get(key) ?? Data(), as: UTF8.self)
            #expect(!text.contains("audit.log") && !text.contains("file_path"))
        }

        await test.core.sealNow()
        #expect(await test.failure(.read, "sys/audit") == .sealed)
        let restarted = AuditTestCore.makeCore(test.storage, test.journal, directory: test.directory)
        try await restarted.submitUnsealKey(test.keys[0])
        let after = try await restarted.handle(LogicalRequest(
            operation: .update, path: "sys/audit-hash/file", body: Data(#"{"input": "the-value"}"#.utf8), clientToken: test.root))
        #expect((after.data as? [String: String]) == (before.data as? [String: String]))
        let lines = try test.entries()
        _ = try await restarted.handle(LogicalRequest(operation: .read, path: "sys/mounts", clientToken: test.root))
        #expect(try test.entries().count == lines.count + 2)
    }

    @Test func sealingWithADeviceEnabledAnswers() async throws {
        let test = try await AuditTestCore.make()
        defer { test.cleanUp() }
        try await test.enableFile()
        try await test.call(.update, "sys/seal")
        #expect(test.core.isSealed)
        let seal = try test.entries().filter { $0.at("request", "path") == "sys/seal" }
        #expect(seal.map { $0["type"] } == ["request"])
    }

    @Test func noWritableDeviceMeansNoServiceAndNoCredential() async throws {
        let test = try await AuditTestCore.make()
        defer { test.cleanUp() }
        try await test.enableFile()
        try await test.enableFile("second", file: "second.log")
        // One device failing is fine while another writes (Vault's rule).
        try FileManager.default.moveItem(atPath: test.path("second.log"), toPath: test.path("second.old"))
        try FileManager.default.createDirectory(atPath: test.path("second.log"), withIntermediateDirectories: false)
        test.core.reopenAuditDevices()
        _ = try await test.call(.read, "db/creds/ro")

        // Both unwritable: refused before the engine runs.
        try FileManager.default.moveItem(atPath: test.path("audit.log"), toPath: test.path("audit.old"))
        try FileManager.default.createDirectory(atPath: test.path("audit.log"), withIntermediateDirectories: false)
        test.core.reopenAuditDevices()
        let issuedBefore = test.journal.issued.withLock { $0.count }
        #expect(await test.failure(.read, "db/creds/ro") == CustosError(.internal, "internal error"))
        #expect(test.journal.issued.withLock { $0.count } == issuedBefore)
        // Paths Vault serves outside its request handling still answer.
        #expect(try await test.core.handle(LogicalRequest(operation: .read, path: "sys/health")).data != nil)

        // The file is back: the next write opens it again, without a SIGHUP.
        try FileManager.default.removeItem(atPath: test.path("audit.log"))
        _ = try await test.call(.read, "db/creds/ro")
        #expect(try test.entries().contains { $0["type"] == "response" && $0.at("request", "path") == "db/creds/ro" })
    }

    @Test func aResponseThatCannotBeLoggedIsWithdrawnAndItsLeaseRevoked() async throws {
        let test = try await AuditTestCore.make()
        defer { test.cleanUp() }
        try await test.enableFile()
        // The log breaks while the engine creates the credential: after the request entry.
        test.journal.duringHandle.withLock { hook in
            hook = { _ in
                try FileManager.default.moveItem(atPath: test.path("audit.log"), toPath: test.path("audit.old"))
                try FileManager.default.createDirectory(atPath: test.path("audit.log"), withIntermediateDirectories: false)
                test.core.reopenAuditDevices()
            }
        }
        #expect(await test.failure(.read, "db/creds/ro") == CustosError(.internal, "internal error"))
        let issued = try #require(test.journal.issued.withLock { $0.last })
        #expect(test.journal.revoked.withLock { $0 } == [issued])
        #expect(try await test.core.expirationManager?.list(prefix: "db/creds/ro/").isEmpty == true)
    }

    @Test func socketDeviceSendsLinesToAUnixListener() async throws {
        let test = try await AuditTestCore.make()
        defer { test.cleanUp() }
        let socketPath = test.path("collector.sock")
        // Closed below, when the collector goes away (closing it twice could close another
        // test's descriptor that got the same number).
        let listener = try unixListener(at: socketPath)

        // The connection waits in the backlog: the device's writes land in its buffer.
        try await test.call(.update, "sys/audit/sock", try body([
            "type": "socket", "options": ["address": .string(socketPath), "socket_type": "unix", "write_timeout": "500ms"],
        ]))
        try await test.call(.update, "secret/x", #"{"password": "over-the-socket"}"#)
        let connection = accept(listener, nil, nil)
        #expect(connection >= 0)
        defer { close(connection) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var received = ""
        var buffer = [UInt8](repeating: 0, count: 65536)
        while received.split(separator: "\n").count < 3 {
            let count = recv(connection, &buffer, buffer.count, 0)
            guard count > 0 else { break }
            received += String(decoding: buffer[0..<count], as: UTF8.self)
        }
        let lines = received.split(separator: "\n")
        #expect(lines.count >= 3)
        #expect(lines.first?.contains(#""path":"sys/audit/test""#) == true)
        #expect(received.contains(#""path":"secret/x""#))
        #expect(!received.contains("over-the-socket"))

        // The collector goes away: with no other device, requests are refused.
        close(listener)
        shutdown(connection, Int32(SHUT_RDWR))
        try FileManager.default.removeItem(atPath: socketPath)
        #expect(await test.failure(.update, "secret/y", #"{"a": "b"}"#) == CustosError(.internal, "internal error"))
    }
}
