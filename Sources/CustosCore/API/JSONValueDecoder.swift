import CustosJSON

/// Decodes a path's `Decodable` parameters from the request's data, parsed once when the request
/// was made, as `JSONDecoder` with `RequestDecoding`'s key strategy would from the body's bytes:
/// the same keys match, the same `DecodingError`s (so the same messages) come out. A struct's
/// keys are matched through `RequestDecoding.propertyName`; a `[String: T]` keeps the request's
/// keys as they are, as `JSONDecoder` leaves string-keyed dictionaries alone.
struct JSONValueDecoder: Decoder {
    let value: JSONValue
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    static func decode<T: Decodable>(_ type: T.Type, from value: JSONValue, at path: [any CodingKey]) throws -> T {
        if let dictionary = type as? any StringKeyedDictionary.Type {
            guard let decoded = try dictionary.decodeEntries(from: value, at: path) as? T else {
                throw DecodingError.typeMismatch(T.self, .init(codingPath: path, debugDescription: "unexpected dictionary type"))
            }
            return decoded
        }
        return try T(from: JSONValueDecoder(value: value, codingPath: path))
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let object) = value else { throw Self.mismatch([String: Any].self, value, codingPath, container: "keyed") }
        var byProperty: [String: JSONValue] = [:]
        byProperty.reserveCapacity(object.count)
        for (key, element) in object { byProperty[RequestDecoding.propertyName(forRequestKey: key) ?? "\u{0}" + key] = element }
        return KeyedDecodingContainer(KeyedContainer<Key>(object: byProperty, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let elements) = value else { throw Self.mismatch([Any].self, value, codingPath, container: "unkeyed") }
        return UnkeyedContainer(elements: elements, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { JSONSingleValueContainer(value: value, codingPath: codingPath) }

    /// `JSONDecoder`'s error for a value of the wrong kind: null is a missing value.
    static func mismatch(_ type: Any.Type, _ value: JSONValue, _ path: [any CodingKey], container: String? = nil) -> DecodingError {
        if case .null = value {
            let description = container.map { "Cannot get \($0) decoding container -- found null value instead" }
                ?? "Expected \(type) value but found null instead."
            return .valueNotFound(type, .init(codingPath: path, debugDescription: description))
        }
        return .typeMismatch(type, .init(codingPath: path, debugDescription: "Expected to decode \(type) but found \(value.kindName) instead."))
    }
}

/// A key of a path: an array index or a dictionary's own key.
struct JSONPathKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init(intValue: Int) { (stringValue, self.intValue) = ("Index \(intValue)", intValue) }
}

/// `[String: T]`, decoded with the request's keys untouched.
protocol StringKeyedDictionary {
    static func decodeEntries(from value: JSONValue, at path: [any CodingKey]) throws -> Any
}

extension Dictionary: StringKeyedDictionary where Key == String, Value: Decodable {
    static func decodeEntries(from value: JSONValue, at path: [any CodingKey]) throws -> Any {
        guard case .object(let object) = value else {
            // `JSONDecoder` answers null here with a type mismatch, not a missing value.
            throw DecodingError.typeMismatch([String: Any].self, .init(
                codingPath: path, debugDescription: "Expected to decode \([String: Any].self) but found \(value.kindName) instead."))
        }
        var entries: [String: Value] = [:]
        entries.reserveCapacity(object.count)
        for (key, element) in object {
            entries[key] = try JSONValueDecoder.decode(Value.self, from: element, at: path + [JSONPathKey(stringValue: key)])
        }
        return entries
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let object: [String: JSONValue]
    let codingPath: [any CodingKey]

    var allKeys: [Key] { object.keys.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool { object[key.stringValue] != nil }

    private func value(for key: Key) throws -> JSONValue {
        guard let value = object[key.stringValue] else {
            throw DecodingError.keyNotFound(key, .init(
                codingPath: codingPath, debugDescription: "No value associated with key \(key) (\"\(key.stringValue)\")."))
        }
        return value
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        if case .null = try value(for: key) { return true }
        return false
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try JSONValueDecoder.decode(type, from: try value(for: key), at: codingPath + [key])
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try JSONValueDecoder(value: try value(for: key), codingPath: codingPath + [key]).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try JSONValueDecoder(value: try value(for: key), codingPath: codingPath + [key]).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        JSONValueDecoder(value: object["super"] ?? .null, codingPath: codingPath + [JSONPathKey(stringValue: "super")])
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        JSONValueDecoder(value: object[key.stringValue] ?? .null, codingPath: codingPath + [key])
    }
}

private struct UnkeyedContainer: UnkeyedDecodingContainer {
    let elements: [JSONValue]
    let codingPath: [any CodingKey]
    var currentIndex = 0

    init(elements: [JSONValue], codingPath: [any CodingKey]) {
        self.elements = elements
        self.codingPath = codingPath
    }

    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    private mutating func next(_ type: Any.Type) throws -> (JSONValue, [any CodingKey]) {
        let path = codingPath + [JSONPathKey(intValue: currentIndex)]
        guard !isAtEnd else { throw DecodingError.valueNotFound(type, .init(codingPath: path, debugDescription: "Unkeyed container is at end.")) }
        defer { currentIndex += 1 }
        return (elements[currentIndex], path)
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(Any?.self, .init(
                codingPath: codingPath + [JSONPathKey(intValue: currentIndex)], debugDescription: "Unkeyed container is at end."))
        }
        guard case .null = elements[currentIndex] else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let (value, path) = try next(type)
        return try JSONValueDecoder.decode(type, from: value, at: path)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        let (value, path) = try next(KeyedDecodingContainer<NestedKey>.self)
        return try JSONValueDecoder(value: value, codingPath: path).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let (value, path) = try next((any UnkeyedDecodingContainer).self)
        return try JSONValueDecoder(value: value, codingPath: path).unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder {
        let (value, path) = try next((any Decoder).self)
        return JSONValueDecoder(value: value, codingPath: path)
    }
}
