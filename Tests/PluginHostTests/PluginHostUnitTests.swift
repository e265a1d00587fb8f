import DatabasePluginProtocol
import Foundation
import NIOCore
import Testing

@testable import PluginHost

@Suite struct PluginHostUnitTests {
    @Test func environmentIsAllowListedAndMarked() {
        let environment = PluginEnvironment.build(
            entryEnvironment: ["EXTRA=1", "PATH=/custom", "\(pluginProtocolEnvironmentKey)=9"],
            inheritedNames: ["PATH", "HOME"],
            hostEnvironment: ["PATH": "/usr/bin", "HOME": "/root", "VAULT_TOKEN": "secret"])
        #expect(Set(environment) == ["HOME=/root", "EXTRA=1", "PATH=/custom", "\(pluginProtocolEnvironmentKey)=1"])
        let byHand = PluginEnvironment.build(
            entryEnvironment: [], inheritedNames: ["PATH"], hostEnvironment: ["PATH": "/usr/bin"],
            includeProtocolMarker: false)
        #expect(byHand == ["PATH=/usr/bin"])
    }

    @Test func stderrLimiterDropsAndReports() {
        var limiter = StderrRateLimiter(maxLineBytes: 100, linesPerSecond: 10, burst: 3)
        let start = NIODeadline.uptimeNanoseconds(1_000_000_000)
        #expect((0..<3).map { _ in limiter.admit(now: start) } == [0, 0, 0])
        #expect(limiter.admit(now: start) == nil)
        #expect(limiter.admit(now: start) == nil)
        #expect(limiter.dropped == 2)
        // 100 ms later one token is back: the line passes and reports the two dropped before it.
        #expect(limiter.admit(now: start + .milliseconds(100)) == 2)
        #expect(limiter.dropped == 0)
    }

    @Test func responseHeadRejectsNonResponses() throws {
        let decoder = JSONDecoder()
        func head(_ text: String) throws -> RPCResponseHead {
            var buffer = ByteBuffer()
            buffer.writeString(text)
            return try RPCWire.decodeHead(buffer, decoder: decoder)
        }
        #expect(try head(#"{"jsonrpc":"2.0","id":3,"result":{}}"#).id == 3)
        #expect(try head(#"{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"x"}}"#).error?.code == -32700)
        #expect(throws: (any Error).self) { try head(#"{"jsonrpc":"2.0","id":3}"#) }
        #expect(throws: (any Error).self) { try head(#"{"jsonrpc":"1.0","id":3,"result":1}"#) }
        #expect(throws: (any Error).self) { try head(#"{"id":3,"result":1}"#) }
        #expect(throws: (any Error).self) { try head("garbage") }
    }

    @Test func requestEnvelopeIsOneLine() throws {
        var buffer = ByteBuffer()
        let params = try RPCWire.encodeParams(
            RenewUserRequest(connection: "db", username: "u", expiration: Date(timeIntervalSince1970: 0)))
        RPCWire.writeRequest(id: 7, method: try RPCWire.encodeMethod("RenewUser"), params: params, into: &buffer)
        let text = try #require(buffer.getString(at: buffer.readerIndex, length: buffer.readableBytes))
        #expect(text.hasSuffix("}\n") && text.filter { $0 == "\n" }.count == 1)
        let request = try JSONDecoder().decode(RPCRequest.self, from: Data(text.utf8))
        #expect(request.id == 7 && request.method == "RenewUser")
        #expect(request.params["expiration"] == "1970-01-01T00:00:00Z")
    }
}
