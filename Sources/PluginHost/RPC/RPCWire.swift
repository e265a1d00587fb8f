package import DatabasePluginProtocol
import Foundation
package import NIOCore

/// What the host reads of every response line before handing it to the caller: enough to match
/// it to a call and to tell a valid response from garbage. The caller decodes `result` itself,
/// off the event loop, into the type it expects.
package struct RPCResponseHead: Decodable, Sendable {
    package var id: Int?
    package var error: RPCErrorObject?

    private enum CodingKeys: String, CodingKey { case jsonrpc, id, result, error }

    struct NotAResponse: Error {}

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard try container.decode(String.self, forKey: .jsonrpc) == "2.0" else { throw NotAResponse() }
        id = try container.decodeIfPresent(Int.self, forKey: .id)
        error = try container.decodeIfPresent(RPCErrorObject.self, forKey: .error)
        // Exactly one of result/error, as JSON-RPC 2.0 requires.
        guard container.contains(.result) != (error != nil) else { throw NotAResponse() }
    }
}

/// A response matched to its call: the head plus the raw line for decoding the result.
package struct RPCResponseLine: Sendable {
    package var head: RPCResponseHead
    package var line: ByteBuffer
}

/// Encodes requests and decodes results. Requests are assembled around separately encoded params
/// because the id is only known under the connection's lock.
enum RPCWire {
    private struct ResultEnvelope<Result: Decodable>: Decodable {
        var result: Result
    }

    /// The protocol's method names, pre-encoded (the hot path skips an encoder for them).
    private static let knownMethods: [String: [UInt8]] = Dictionary(
        uniqueKeysWithValues: PluginMethod.allCases.map { ($0.rawValue, Array("\"\($0.rawValue)\"".utf8)) })

    /// `"method"` as a JSON string, for splicing into the envelope.
    static func encodeMethod(_ method: String) throws -> [UInt8] {
        if let known = knownMethods[method] { return known }
        return Array(try JSONEncoder().encode(method))
    }

    /// Shared coders: JSONEncoder/JSONDecoder are thread-safe for encode/decode calls, and making
    /// one per call was a measurable share of a round trip.
    private static let encoder = PluginJSON.encoder
    private static let decoder = PluginJSON.decoder

    static func encodeParams(_ params: some Encodable) throws -> [UInt8] {
        Array(try encoder.encode(params))
    }

    static func writeRequest(id: Int, method: [UInt8], params: [UInt8], into buffer: inout ByteBuffer) {
        buffer.writeStaticString("{\"jsonrpc\":\"2.0\",\"id\":")
        buffer.writeString(String(id))
        buffer.writeStaticString(",\"method\":")
        buffer.writeBytes(method)
        buffer.writeStaticString(",\"params\":")
        buffer.writeBytes(params)
        buffer.writeStaticString("}\n")
    }

    static func decodeHead(_ line: ByteBuffer, decoder: JSONDecoder) throws -> RPCResponseHead {
        try line.withUnsafeReadableBytes { bytes in
            try decoder.decode(RPCResponseHead.self, from: Data(bytes))
        }
    }

    static func decodeResult<Result: Decodable>(_ type: Result.Type, from line: ByteBuffer) throws -> Result {
        try line.withUnsafeReadableBytes { bytes in
            try decoder.decode(ResultEnvelope<Result>.self, from: Data(bytes)).result
        }
    }
}
