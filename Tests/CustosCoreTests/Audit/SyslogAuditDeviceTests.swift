@testable import CustosCore
import CustosJSON
import Foundation
import Glibc
import Testing

/// The `syslog` device against a daemon socket of the test's own (a bound Unix datagram socket,
/// read as the daemon would), compared with what OpenBao sends to `/dev/log`.
@Suite("syslog audit device")
struct SyslogAuditDeviceTests {
    func body(_ object: [String: JSONValue]) throws -> String {
        String(decoding: try JSONEncoder().encode(object), as: UTF8.self)
    }

    /// A bound datagram socket at `path`, with a receive timeout so a missing message fails the
    /// test instead of hanging it.
    func daemonSocket(at path: String) throws -> Int32 {
        let fd = try boundUnixSocket(at: path, type: Int32(SOCK_DGRAM.rawValue))
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        return fd
    }

    func receive(_ fd: Int32) -> String? {
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        let count = recv(fd, &buffer, buffer.count, 0)
        return count > 0 ? String(decoding: buffer[0..<count], as: UTF8.self) : nil
    }

    @Test func eachEntryIsOneMessageFramedAsVaultFramesIt() async throws {
        let test = try await AuditTestCore.make()
        defer { test.cleanUp() }
        // Closed by the test itself below (the daemon going away), so no deferred close: closing
        // a number twice could close another test's descriptor.
        let daemon = try daemonSocket(at: test.path("syslog.sock"))

        try await test.call(.update, "sys/audit/sys", try body([
            "type": "syslog", "options": ["facility": "local0", "tag": "custos-test"],
        ]))
        let testMessage = try #require(receive(daemon))
        // LOCAL0 (16) << 3 | INFO (6) = 134; Go's time.Stamp pads the day with a space.
        let header = #"^<134>(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ 123]\d \d\d:\d\d:\d\d custos-test\[\#(getpid())\]: \{"#
        #expect(testMessage.range(of: header, options: .regularExpression) != nil, "\(testMessage)")
        #expect(testMessage.contains(#""path":"sys/audit/test""#))
        #expect(testMessage.hasSuffix("}\n"))
        // The enabling request's response, as OpenBao logs it to the device it enabled.
        let enabled = try #require(receive(daemon))
        #expect(enabled.contains(#""type":"response""#) && enabled.contains(#""path":"sys/audit/sys""#), "\(enabled)")

        try await test.call(.update, "secret/x", #"{"password": "to-syslog"}"#)
        let request = try #require(receive(daemon))
        let response = try #require(receive(daemon))
        #expect(request.contains(#""type":"request""#) && request.contains(#""path":"secret/x""#))
        #expect(response.contains(#""type":"response""#))
        #expect(!request.contains("to-syslog") && !response.contains("to-syslog"))

        // The daemon goes away: with no other device, requests are refused.
        close(daemon)
        try FileManager.default.removeItem(atPath: test.path("syslog.sock"))
        #expect(await test.failure(.update, "secret/y", #"{"a": "b"}"#) == CustosError(.internal, "internal error"))

        // It comes back (a new socket at the same path): the next line reconnects.
        let restarted = try daemonSocket(at: test.path("syslog.sock"))
        defer { close(restarted) }
        try await test.call(.read, "secret/x")
        #expect(receive(restarted)?.contains(#""path":"secret/x""#) == true)
    }

    @Test func optionsAndAMissingDaemonAreClientErrorsAsInVault() async throws {
        let test = try await AuditTestCore.make()
        defer { test.cleanUp() }
        // Checked against OpenBao 2.7: the facility is upper-cased in the message.
        #expect(await test.failure(.update, "sys/audit/s", try body(["type": "syslog", "options": ["facility": "nope"]]))
            == CustosError.badRequest("invalid syslog facility: NOPE"))
        #expect(await test.failure(.update, "sys/audit/s", try body(["type": "syslog", "options": ["facility": ""]]))
            == CustosError.badRequest("invalid syslog facility: "))
        #expect(await test.failure(.update, "sys/audit/s", try body(["type": "syslog"]))
            == CustosError.badRequest("Unix syslog delivery error"))
        let listed = try await test.call(.read, "sys/audit")
        #expect(try JSONValue(encoding: AnyEncodable(try #require(listed.data))).objectValue?.isEmpty == true)

        // Defaults: AUTH (4 << 3 | 6 = 38) and the tag `vault`; facility names in any case.
        let daemon = try daemonSocket(at: test.path("syslog.sock"))
        defer { close(daemon) }
        try await test.call(.update, "sys/audit/s", try body(["type": "syslog"]))
        let first = try #require(receive(daemon))
        #expect(first.hasPrefix("<38>"))
        #expect(first.contains(" vault[\(getpid())]: "))
        #expect(receive(daemon)?.contains(#""path":"sys/audit/s""#) == true)
        try await test.call(.update, "sys/audit/k", try body(["type": "syslog", "options": ["facility": "Kern"]]))
        // Each device sends every entry; the kernel facility's messages have priority 6.
        var priorities: Set<String> = []
        for _ in 0..<3 {
            if let message = receive(daemon), let end = message.firstIndex(of: ">") { priorities.insert(String(message[...end])) }
        }
        #expect(priorities.contains("<6>"))
    }

    @Test func aLineWithoutANewlineGetsOne() {
        let device = SyslogAuditDevice(.init(facility: 23, tag: "t", socketPaths: []))
        let framed = String(decoding: device.frame(Array("x".utf8), at: 0), as: UTF8.self)
        #expect(framed.hasPrefix("<190>"))
        #expect(framed.hasSuffix(" t[\(getpid())]: x\n"))
    }
}
