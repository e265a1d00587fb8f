import CustosTesting
import DatabasePluginProtocol
import Foundation
import NIOCore
import Testing

@testable import PluginHost

/// A plugin is a separate program: whatever it writes on stdout, the host must turn into a
/// response or a thrown error, never a crash.
@Suite("plugin response robustness")
struct PluginResponseRobustnessTests {
    /// Response lines around the fields the host reads, with hostile values in every slot.
    static func lines(_ generator: inout HostileBodyGenerator) -> [String] {
        let value = generator.pick(HostileValues.all)
        let other = generator.pick(HostileValues.all)
        return [
            #"{"jsonrpc":"2.0","id":\#(value),"result":{}}"#,
            #"{"jsonrpc":\#(value),"id":1,"result":{}}"#,
            #"{"jsonrpc":"2.0","id":1,"result":\#(value)}"#,
            #"{"jsonrpc":"2.0","id":1,"error":\#(value)}"#,
            #"{"jsonrpc":"2.0","id":1,"error":{"code":\#(value),"message":\#(other)}}"#,
            #"{"jsonrpc":"2.0","id":1,"error":{"code":-32000,"message":"m","data":{"kind":\#(value)}}}"#,
            #"{"jsonrpc":"2.0","id":1,"result":{"username":\#(value)}}"#,
            #"{"jsonrpc":"2.0","id":1,"result":{"config":\#(value)}}"#,
            #"{"jsonrpc":"2.0","id":1,"result":{"name":\#(value),"version":\#(other),"protocolVersions":\#(value),"maxUsernameLength":\#(other)}}"#,
            #"{"jsonrpc":"2.0","id":1,"result":{},"error":{"code":1,"message":"x"}}"#,
        ]
    }

    @Test func hostileResponseLinesDecodeOrThrow() throws {
        var generator = HostileBodyGenerator(seed: 7)
        let decoder = JSONDecoder()
        var decoded = 0
        var refused = 0
        for _ in 0..<400 {
            for text in Self.lines(&generator) + [String(decoding: generator.body(), as: UTF8.self)] {
                let line = ByteBuffer(string: text)
                do {
                    _ = try RPCWire.decodeHead(line, decoder: decoder)
                    decoded += 1
                } catch {
                    refused += 1
                }
                _ = try? RPCWire.decodeResult(NewUserResult.self, from: line)
                _ = try? RPCWire.decodeResult(InitializeResult.self, from: line)
                _ = try? RPCWire.decodeResult(PluginInfo.self, from: line)
                _ = try? RPCWire.decodeResult(RotateRootResult.self, from: line)
            }
        }
        // Both outcomes were reached: the corpus exercises the decoder rather than bouncing off.
        #expect(decoded > 0)
        #expect(refused > 0)
    }
}
