import CustosJSON

/// Renders JSON the way the Vault CLI (Go) does, so scripts that parse or diff its output work:
/// two-space indentation, `"key": value`. Go prints struct fields in declaration order and map
/// keys sorted; `keyOrder` lists the struct fields (at any depth), everything else is sorted.
enum JSONRendering {
    static func pretty(_ value: JSONValue, keyOrder: [String] = []) -> String {
        var out = ""
        write(value, indent: 0, keyOrder: keyOrder, into: &out)
        return out
    }

    /// An object whose fields come in exactly this order (a Go struct); `nestedKeyOrder`
    /// orders the inside of the named fields (nested structs).
    static func pretty(orderedFields: [(String, JSONValue)], nestedKeyOrder: [String: [String]] = [:]) -> String {
        guard !orderedFields.isEmpty else { return "{}" }
        var out = "{\n"
        for (index, (key, value)) in orderedFields.enumerated() {
            out += "  " + quote(key) + ": "
            write(value, indent: 1, keyOrder: nestedKeyOrder[key] ?? [], into: &out)
            out += index == orderedFields.count - 1 ? "\n" : ",\n"
        }
        out += "}"
        return out
    }

    private static func orderedKeys(_ keys: Dictionary<String, JSONValue>.Keys, _ keyOrder: [String]) -> [String] {
        let known = keyOrder.filter { keys.contains($0) }
        return known + keys.filter { !keyOrder.contains($0) }.sorted()
    }

    private static func write(_ value: JSONValue, indent: Int, keyOrder: [String], into out: inout String) {
        let pad = String(repeating: "  ", count: indent + 1)
        let closePad = String(repeating: "  ", count: indent)
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int, .double: out += value.numberText ?? "null"
        case .string(let s): out += quote(s)
        case .array(let items):
            guard !items.isEmpty else { out += "[]"; return }
            out += "[\n"
            for (index, item) in items.enumerated() {
                out += pad
                write(item, indent: indent + 1, keyOrder: keyOrder, into: &out)
                out += index == items.count - 1 ? "\n" : ",\n"
            }
            out += closePad + "]"
        case .object(let fields):
            guard !fields.isEmpty else { out += "{}"; return }
            out += "{\n"
            let keys = orderedKeys(fields.keys, keyOrder)
            for (index, key) in keys.enumerated() {
                out += pad + quote(key) + ": "
                write(fields[key]!, indent: indent + 1, keyOrder: keyOrder, into: &out)
                out += index == keys.count - 1 ? "\n" : ",\n"
            }
            out += closePad + "}"
        }
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            // Go's encoder escapes these for HTML safety; match it byte for byte.
            case "<": out += "\\u003c"
            case ">": out += "\\u003e"
            case "&": out += "\\u0026"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default:
                if scalar.value < 0x20 {
                    out += "\\u" + hex4(scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    private static func hex4(_ v: UInt32) -> String {
        let digits = String(v, radix: 16)
        return String(repeating: "0", count: 4 - digits.count) + digits
    }
}

/// Go's `%v` rendering of decoded JSON, which `vault read` uses for table cells:
/// maps as `map[k:v]` with sorted keys, lists as `[a b]`, null as `<nil>`.
enum GoValueRendering {
    static func render(_ value: JSONValue) -> String {
        switch value {
        case .null: return "<nil>"
        case .bool(let b): return b ? "true" : "false"
        case .int, .double: return value.numberText ?? "<nil>"
        case .string(let s): return s
        case .array(let items): return "[" + items.map(render).joined(separator: " ") + "]"
        case .object(let fields):
            let parts = fields.keys.sorted().map { "\($0):\(render(fields[$0]!))" }
            return "map[" + parts.joined(separator: " ") + "]"
        }
    }
}
