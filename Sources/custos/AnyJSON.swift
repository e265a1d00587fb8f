import Foundation

/// Any JSON value, for the parts of Vault responses whose shape depends on the path
/// (a secret's `data`, an `auth` block). Numbers keep their text so big integers survive.
enum AnyJSON: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([AnyJSON])
    case object([String: AnyJSON])

    var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    var objectValue: [String: AnyJSON]? {
        if case .object(let o) = self { return o }
        return nil
    }

    var intValue: Int? {
        switch self {
        // `Int(exactly:)`: a server's `1e300` must not trap the CLI.
        case .number(let text): return Int(text) ?? Double(text).flatMap { Int(exactly: $0.rounded(.towardZero)) }
        case .string(let text): return Int(text)
        default: return nil
        }
    }

    var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }
}

extension AnyJSON: Codable {
    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let b = try? container.decode(Bool.self) {
            self = .bool(b)
        } else if let i = try? container.decode(Int64.self) {
            self = .number(String(i))
        } else if let u = try? container.decode(UInt64.self) {
            self = .number(String(u))
        } else if let d = try? container.decode(Double.self) {
            self = .number(AnyJSON.format(d))
        } else if let s = try? container.decode(String.self) {
            self = .string(s)
        } else if let a = try? container.decode([AnyJSON].self) {
            self = .array(a)
        } else {
            self = .object(try container.decode([String: AnyJSON].self))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let b): try container.encode(b)
        case .number(let text):
            if let i = Int64(text) { try container.encode(i) } else { try container.encode(Double(text) ?? 0) }
        case .string(let s): try container.encode(s)
        case .array(let a): try container.encode(a)
        case .object(let o): try container.encode(o)
        }
    }

    /// Go prints whole floats without a fraction; Swift's `description` adds `.0`.
    private static func format(_ d: Double) -> String {
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
        return String(d)
    }
}
