import DatabasePluginProtocol
import Foundation

/// The environment a plugin starts with. Only a short allow-list of the server's variables is
/// passed on: the server's environment may hold tokens or keys a plugin has no business seeing.
/// The catalog entry's `env` comes next, and the protocol marker last so nothing overrides it.
package enum PluginEnvironment {
    package static let defaultInherited = ["PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR"]

    package static func build(
        entryEnvironment: [String], inheritedNames: [String],
        hostEnvironment: [String: String] = ProcessInfo.processInfo.environment,
        includeProtocolMarker: Bool = true
    ) -> [String] {
        var values: [(String, String)] = []
        func set(_ key: String, _ value: String) {
            values.removeAll { $0.0 == key }
            values.append((key, value))
        }
        for name in inheritedNames {
            if let value = hostEnvironment[name] { set(name, value) }
        }
        for pair in entryEnvironment {
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else { continue }
            set(String(pair[..<equals]), String(pair[pair.index(after: equals)...]))
        }
        if includeProtocolMarker {
            set(pluginProtocolEnvironmentKey, String(pluginProtocolVersion))
        } else {
            values.removeAll { $0.0 == pluginProtocolEnvironmentKey }
        }
        return values.map { "\($0.0)=\($0.1)" }
    }
}
