import CustosJSON
import Foundation

/// Turns a request's data into a path's parameter struct, with Vault's leniency (numbers and
/// booleans may arrive as strings, because Vault's CLI sends every `k=v` as a string) and
/// errors that name the offending field without echoing its value.
package enum RequestDecoding {
    package static func decode<T: Decodable>(_ type: T.Type, from data: RequestData) throws(CustosError) -> T {
        let input: JSONValue
        switch data {
        case .json(let value): input = value
        case .malformed(let body): return try decodeUnparsed(type, body: body)
        }
        let value: T
        do {
            value = try JSONValueDecoder.decode(T.self, from: input, at: [])
        } catch let error as DecodingError {
            throw CustosError.badRequest(describe(error))
        } catch {
            throw CustosError.badRequest("failed to parse JSON input")
        }
        if let warnings = RequestWarnings.current, !(value is any OpenParameters), case .object(let object) = input {
            reportKeys(of: value, given: object, to: warnings)
        }
        return value
    }

    /// A body that did not parse into the request's data, decoded from its bytes with the same
    /// key matching: its error names the field where the bytes are JSON (`{"increment": 1e400}`).
    private static func decodeUnparsed<T: Decodable>(_ type: T.Type, body: Data) throws(CustosError) -> T {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .custom { path in
            let key = path.last?.stringValue ?? ""
            return PropertyKey(stringValue: propertyName(forRequestKey: key) ?? "\u{0}" + key)
        }
        do {
            return try decoder.decode(T.self, from: body)
        } catch let error as DecodingError {
            throw CustosError.badRequest(describe(error))
        } catch {
            throw CustosError.badRequest("failed to parse JSON input")
        }
    }

    private struct PropertyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// A request key as a path struct's property name: exactly the documented snake_case
    /// spelling maps to the property (`explicit_max_ttl` -> `explicitMaxTtl`). Any other spelling
    /// (`explicitMaxTtl`, `Explicit_Max_TTL`, `default__lease_ttl`) matches no property and is
    /// ignored, as Vault ignores it: otherwise an ACL's parameter constraints, which see the raw
    /// key, could be walked around with an alternate spelling that the handler still honoured.
    /// nil unless `key` is lower-case snake_case: `[a-z0-9]+` joined by single underscores.
    static func propertyName(forRequestKey key: String) -> String? {
        let words = key.split(separator: "_", omittingEmptySubsequences: false)
        guard words.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) } })
        else { return nil }
        return words.enumerated().map { index, word in index == 0 ? String(word) : word.prefix(1).uppercased() + word.dropFirst() }
            .joined()
    }

    /// Tells the request's warning collector which top-level keys the struct knew (its stored
    /// properties, by reflection) so that ignored ones can be reported as Vault does.
    private static func reportKeys<T>(of value: T, given object: [String: JSONValue], to warnings: RequestWarnings) {
        let properties = Set(Mirror(reflecting: value).children.compactMap(\.label))
        guard !properties.isEmpty else { return }
        let given = Set(object.keys)
        let known = given.filter { key in propertyName(forRequestKey: key).map(properties.contains) ?? false }
        warnings.decoded(given: given, known: known)
    }

    static func describe(_ error: DecodingError) -> String {
        func field(_ path: [any CodingKey]) -> String {
            let names = path.map { key in key.intValue.map { "[\($0)]" } ?? snakeCase(key.stringValue) }
            return names.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
        }
        switch error {
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                return "failed to parse JSON input: the request body is not valid JSON"
            }
            return "invalid value for \"\(field(context.codingPath))\": \(context.debugDescription)"
        case .typeMismatch(let type, let context):
            if context.codingPath.isEmpty { return "failed to parse JSON input: expected a JSON object" }
            return "invalid value for \"\(field(context.codingPath))\": expected \(typeName(type))"
        case .valueNotFound(let type, let context):
            return "missing value for \"\(field(context.codingPath))\": expected \(typeName(type))"
        case .keyNotFound(let key, let context):
            return "missing required parameter \"\(field(context.codingPath + [key]))\""
        @unknown default:
            return "failed to parse JSON input"
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type, is Int64.Type, is VaultInt.Type: return "an integer"
        case is Bool.Type, is VaultBool.Type: return "a boolean"
        case is VaultDuration.Type: return "a duration"
        default:
            let name = String(describing: type)
            if name.hasPrefix("Dictionary") || name.hasPrefix("KeyedDecodingContainer") { return "an object" }
            if name.hasPrefix("Array") || name.hasPrefix("UnkeyedDecodingContainer") { return "a list" }
            return "a valid value"
        }
    }

    private static func snakeCase(_ camel: String) -> String {
        var out = ""
        for ch in camel {
            if ch.isUppercase { out += "_" + ch.lowercased() } else { out.append(ch) }
        }
        return out
    }
}

/// Parameters of a path that takes more than its struct names (a database connection's plugin
/// fields): keys outside the struct are the path's to use, not ignored, so they are not warned about.
package protocol OpenParameters {}

/// An integer parameter that also accepts a numeric string (`"5"`).
package struct VaultInt: Sendable, Hashable, Codable {
    package var value: Int
    package init(_ value: Int) { self.value = value }
    package init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let i = try? c.decode(Int.self) {
            value = i
        } else if let s = try? c.decode(String.self), let i = Int(s.trimmingCharacters(in: .whitespaces)) {
            value = i
        } else {
            throw DecodingError.typeMismatch(VaultInt.self, .init(codingPath: decoder.codingPath, debugDescription: "expected an integer"))
        }
    }
    package func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(value)
    }
}

/// A boolean parameter that also accepts `"true"`/`"false"`/`"1"`/`"0"` as Vault does.
package struct VaultBool: Sendable, Hashable, Codable {
    package var value: Bool
    package init(_ value: Bool) { self.value = value }
    package init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let b = try? c.decode(Bool.self) {
            value = b
        } else if let s = try? c.decode(String.self) {
            switch s.lowercased() {
            case "true", "1", "t": value = true
            case "false", "0", "f", "": value = false
            default:
                throw DecodingError.typeMismatch(VaultBool.self, .init(codingPath: decoder.codingPath, debugDescription: "expected a boolean"))
            }
        } else if let i = try? c.decode(Int.self) {
            value = i != 0
        } else {
            throw DecodingError.typeMismatch(VaultBool.self, .init(codingPath: decoder.codingPath, debugDescription: "expected a boolean"))
        }
    }
    package func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(value)
    }
}
