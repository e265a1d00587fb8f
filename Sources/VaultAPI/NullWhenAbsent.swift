/// A field Vault writes as `null` when it has no value, where a synthesised encoder would leave
/// it out; read as absent when a server leaves it out or sends `null`. So a shape's declaration
/// alone says its fields, their order and which are `null`.
@propertyWrapper
package struct NullWhenAbsent<Value> {
    package var wrappedValue: Value?

    package init(wrappedValue: Value?) {
        self.wrappedValue = wrappedValue
    }
}

extension NullWhenAbsent: Sendable where Value: Sendable {}
extension NullWhenAbsent: Equatable where Value: Equatable {}

extension NullWhenAbsent: Encodable where Value: Encodable {
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let wrappedValue { try container.encode(wrappedValue) } else { try container.encodeNil() }
    }
}

extension NullWhenAbsent: Decodable where Value: Decodable {
    package init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        wrappedValue = container.decodeNil() ? nil : try container.decode(Value.self)
    }
}

// What synthesised `Codable` calls for a wrapped field: the value itself or `null` (no extra
// encoder level on the server's hot path), and absent when the key is missing.
extension KeyedEncodingContainer {
    package mutating func encode<Value: Encodable>(_ field: NullWhenAbsent<Value>, forKey key: Key) throws {
        if let value = field.wrappedValue { try encode(value, forKey: key) } else { try encodeNil(forKey: key) }
    }
}

extension KeyedDecodingContainer {
    package func decode<Value: Decodable>(_ type: NullWhenAbsent<Value>.Type, forKey key: Key) throws -> NullWhenAbsent<Value> {
        NullWhenAbsent(wrappedValue: try decodeIfPresent(Value.self, forKey: key))
    }
}
