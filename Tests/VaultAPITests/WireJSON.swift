import Foundation

// The shape tests' JSON text: as the server encodes (slashes unescaped), with sorted keys so
// the text can be compared (a keyed container keeps no order); and decoding as the CLI does.

func encode(_ value: some Encodable) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}

func decode<Value: Decodable>(_ type: Value.Type, _ json: String) throws -> Value {
    try JSONDecoder().decode(type, from: Data(json.utf8))
}
