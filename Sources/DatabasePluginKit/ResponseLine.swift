import Foundation

/// Builds response lines (`{...}\n`). Results are spliced into a fixed envelope rather than
/// wrapped in `RPCResponse`, which would need a detour through `JSONValue`.
enum ResponseLine {
    private static let emptyResultJSON = Array("{}".utf8)

    static func result(id: Int, json: [UInt8]) -> [UInt8] {
        var line = Array("{\"jsonrpc\":\"2.0\",\"id\":\(id),\"result\":".utf8)
        line.reserveCapacity(line.count + json.count + 2)
        line.append(contentsOf: json)
        line.append(contentsOf: [UInt8(ascii: "}"), UInt8(ascii: "\n")])
        return line
    }

    static func emptyResult(id: Int) -> [UInt8] {
        result(id: id, json: emptyResultJSON)
    }

    static func error(id: Int?, code: Int, _ error: PluginError) -> [UInt8] {
        let response = RPCResponse(id: id, error: error, code: code)
        // Encoding a struct of strings and ints cannot fail; keep a fixed line just in case.
        var line = (try? JSONEncoder().encode(response)).map(Array.init)
            ?? Array(#"{"jsonrpc":"2.0","id":null,"error":{"code":-32603,"message":"internal error","data":{"kind":"internal"}}}"#.utf8)
        line.append(UInt8(ascii: "\n"))
        return line
    }
}
