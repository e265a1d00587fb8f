import CustosJSON
import CustosCore
import CustosTesting
import Foundation
import Testing

/// What every answer looks like on the wire, through the listener's pipeline in process: headers,
/// empty bodies, HEAD, the error envelope, paths outside `/v1/`, and the client's address as the
/// audit log records it.
@Suite("HTTP response shapes")
struct ResponseShapeHTTPTests {
    @Test func headersBodiesAndHead() async throws {
        try await withInProcessServer { server in
            let root = server.client(token: server.rootToken)
            let health = try await root.request("GET", "sys/health", useToken: false)
            #expect(health.status == 200)
            #expect(health.header("Cache-Control") == "no-store")
            #expect(health.header("Content-Type") == "application/json")

            let written = try await root.write("secret/shape", ["v": "1"])
            #expect(written.status == 204)
            #expect(written.body.isEmpty)
            #expect(written.header("Cache-Control") == "no-store")
            #expect(written.header("Content-Type") == nil)

            let head = try await root.request("HEAD", "secret/shape")
            #expect(head.status == 200)
            #expect(head.body.isEmpty)

            let missing = try await root.read("secret/none")
            #expect(missing.status == 404)
            #expect(missing.text == #"{"errors":[]}"#)
            #expect(missing.header("Content-Type") == "application/json")
            let denied = try await server.client().read("secret/shape")
            #expect(denied.text == #"{"errors":["permission denied"]}"#)
        }
    }

    @Test func pathsOutsideV1AreNotFoundWithoutAnEnvelopeMessage() async throws {
        try await withInProcessServer { server in
            let responses = try await server.withConnection { connection in
                try await connection.send("GET /v2/sys/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /v1/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                return try await connection.responses(2)
            }
            #expect(responses.map(\.status) == [404, 404])
            #expect(responses.map(\.text) == [#"{"errors":[]}"#, #"{"errors":[]}"#])
        }
    }

    @Test func theAuditLogRecordsTheClientsAddress() async throws {
        let dir = try TemporaryDirectory()
        let log = dir.url.appendingPathComponent("audit.log").path
        try await withInProcessServer { server in
            let root = server.client(token: server.rootToken)
            let enabled = try await root.write("sys/audit/file", ["type": "file", "options": .object(["file_path": .string(log)])])
            #expect(enabled.status == 204)
            let read = try await root.read("secret/none")
            #expect(read.status == 404)
        }
        let entries = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map {
            try JSONDecoder().decode([String: JSONValue].self, from: Data($0.utf8))
        }
        let read = try #require(entries.first { $0["request"]?.objectValue?["path"] == "secret/none" })
        #expect(read["request"]?.objectValue?["remote_address"] == "127.0.0.1")
        #expect(read["request"]?.objectValue?["remote_port"] == .int(52_000))
    }
}
