import CustosCore
import DatabasePluginProtocol

/// Inside this module `JSONValue` is the core's; the protocol's is always written qualified.
typealias JSONValue = CustosCore.JSONValue

/// The core's JSON and the plugin protocol's JSON are separate types (the protocol module is
/// shared with plugin authors and depends on nothing); connection configs cross between them here.
enum PluginJSONBridge {
    static func toPlugin(_ value: CustosCore.JSONValue) -> DatabasePluginProtocol.JSONValue {
        switch value {
        case .null: return .null
        case .bool(let flag): return .bool(flag)
        case .int(let number): return .number(Double(number))
        case .double(let number): return .number(number)
        case .string(let text): return .string(text)
        case .array(let items): return .array(items.map(toPlugin))
        case .object(let members): return .object(members.mapValues(toPlugin))
        }
    }

    static func toCore(_ value: DatabasePluginProtocol.JSONValue) -> CustosCore.JSONValue {
        switch value {
        case .null: return .null
        case .bool(let flag): return .bool(flag)
        case .number(let number):
            // Integral values stay integers (ports, pool sizes) as the admin wrote them.
            if number.rounded(.towardZero) == number, let whole = Int64(exactly: number) { return .int(whole) }
            return .double(number)
        case .string(let text): return .string(text)
        case .array(let items): return .array(items.map(toCore))
        case .object(let members): return .object(members.mapValues(toCore))
        }
    }

    static func toPlugin(_ config: [String: CustosCore.JSONValue]) -> PluginConfig { config.mapValues(toPlugin) }
    static func toCore(_ config: PluginConfig) -> [String: CustosCore.JSONValue] { config.mapValues(toCore) }
}
