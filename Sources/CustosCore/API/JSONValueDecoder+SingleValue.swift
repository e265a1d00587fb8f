import CustosJSON

/// One value: strings, booleans and numbers as `JSONDecoder` reads them (a number must fit the
/// type exactly; nothing is converted between kinds).
struct JSONSingleValueContainer: SingleValueDecodingContainer {
    let value: JSONValue
    let codingPath: [any CodingKey]

    func decodeNil() -> Bool { value == .null }

    func decode(_ type: String.Type) throws -> String {
        guard case .string(let text) = value else { throw JSONValueDecoder.mismatch(type, value, codingPath) }
        return text
    }

    func decode(_ type: Bool.Type) throws -> Bool {
        guard case .bool(let flag) = value else { throw JSONValueDecoder.mismatch(type, value, codingPath) }
        return flag
    }

    func decode(_ type: Double.Type) throws -> Double {
        switch value {
        case .int(let number): return Double(number)
        case .double(let number): return number
        default: throw JSONValueDecoder.mismatch(type, value, codingPath)
        }
    }

    func decode(_ type: Float.Type) throws -> Float {
        let number = try decode(Double.self)
        guard number.magnitude <= Double(Float.greatestFiniteMagnitude) else { throw doesNotFit(type) }
        return Float(number)
    }

    func decode(_ type: Int.Type) throws -> Int { try integer(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try integer(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try integer(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try integer(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try integer(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try integer(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(type) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONValueDecoder.decode(type, from: value, at: codingPath)
    }

    private func integer<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        switch value {
        case .int(let number):
            guard let exact = T(exactly: number) else { throw doesNotFit(type) }
            return exact
        case .double(let number):
            guard let exact = T(exactly: number) else { throw doesNotFit(type) }
            return exact
        default:
            throw JSONValueDecoder.mismatch(type, value, codingPath)
        }
    }

    /// `JSONDecoder` reports a number that does not fit as malformed JSON, without a path.
    private func doesNotFit(_ type: Any.Type) -> DecodingError {
        .dataCorrupted(.init(codingPath: [], debugDescription: "The given data was not valid JSON."))
    }
}

extension JSONValue {
    /// How `JSONDecoder` names a value's kind in its errors.
    var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "bool"
        case .int, .double: "number"
        case .string: "a string"
        case .array: "an array"
        case .object: "a dictionary"
        }
    }
}
