import CustosJSON
import Foundation

/// Writes one audit line as JSON bytes, members in the order the caller gives them (Vault's
/// field order) and free-form objects with sorted keys (as Go encodes maps). Hand-written rather
/// than `JSONEncoder`: the line is built on the request path, once per request and device.
struct AuditJSONWriter {
    private(set) var bytes: [UInt8] = []
    /// Whether the enclosing object or array already has a member (a comma goes before the next).
    private var hasMember: [Bool] = []

    init(capacity: Int = 1024) {
        bytes.reserveCapacity(capacity)
    }

    mutating func beginObject() { begin(UInt8(ascii: "{")) }
    mutating func endObject() { end(UInt8(ascii: "}")) }
    mutating func beginArray() { begin(UInt8(ascii: "[")) }
    mutating func endArray() { end(UInt8(ascii: "]")) }

    private mutating func begin(_ bracket: UInt8) {
        separate()
        bytes.append(bracket)
        hasMember.append(false)
    }

    private mutating func end(_ bracket: UInt8) {
        hasMember.removeLast()
        bytes.append(bracket)
    }

    /// A member's key; its value follows with the next call.
    mutating func key(_ name: String) {
        if hasMember.last == true { bytes.append(UInt8(ascii: ",")) }
        if !hasMember.isEmpty { hasMember[hasMember.count - 1] = true }
        appendQuoted(name)
        bytes.append(UInt8(ascii: ":"))
        afterKey = true
    }

    private var afterKey = false

    mutating func string(_ value: String) {
        separate()
        appendQuoted(value)
    }

    mutating func int(_ value: Int64) {
        separate()
        bytes.append(contentsOf: String(value).utf8)
    }

    mutating func bool(_ value: Bool) {
        separate()
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    mutating func null() {
        separate()
        bytes.append(contentsOf: "null".utf8)
    }

    mutating func strings(_ values: [String]) {
        beginArray()
        for value in values { string(value) }
        endArray()
    }

    /// A free-form value, objects with sorted keys. `string` decides how each string is
    /// written, given the key it stands under directly (`nil` inside an array or at the top):
    /// the formatter HMACs request and response data with it.
    mutating func value(_ value: JSONValue, string: (String, _ key: String?) -> String = { text, _ in text }) {
        write(value, under: nil, string: string)
    }

    private mutating func write(_ value: JSONValue, under key: String?, string transform: (String, String?) -> String) {
        switch value {
        case .null: null()
        case .bool(let flag): bool(flag)
        case .int(let number): int(number)
        case .double:
            separate()
            bytes.append(contentsOf: (value.numberText ?? "null").utf8)
        case .string(let text): string(transform(text, key))
        case .array(let items):
            beginArray()
            for item in items { write(item, under: nil, string: transform) }
            endArray()
        case .object(let members):
            beginObject()
            for name in members.keys.sorted() {
                self.key(name)
                write(members[name] ?? .null, under: name, string: transform)
            }
            endObject()
        }
    }

    /// A comma before every array element but the first; none for a member's value (its key
    /// wrote it).
    private mutating func separate() {
        if afterKey {
            afterKey = false
            return
        }
        guard !hasMember.isEmpty else { return }
        if hasMember[hasMember.count - 1] { bytes.append(UInt8(ascii: ",")) }
        hasMember[hasMember.count - 1] = true
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private mutating func appendQuoted(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20, 0x7F:
                // Control characters never reach the line raw: one entry stays one line.
                bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                bytes.append(Self.hexDigits[Int(byte >> 4)])
                bytes.append(Self.hexDigits[Int(byte & 0x0F)])
            default:
                bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
