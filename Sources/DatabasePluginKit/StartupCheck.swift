import Foundation

/// Refuses to run outside a Custos host: someone starting the binary by hand gets told what it
/// is instead of a process silently waiting for JSON on the terminal.
enum StartupCheck {
    static func requireHost(info: PluginInfo) {
        let environment = ProcessInfo.processInfo.environment
        guard let requested = environment[pluginProtocolEnvironmentKey] else {
            refuse("""
                \(info.name) \(info.version) is a Custos database plugin. It is started by Custos, \
                not by hand: register it in Custos's plugin catalog \
                (sys/plugins/catalog/database/\(info.name)) and configure a database connection that uses it.
                """)
        }
        // The host names the version it speaks; accept a list ("1,2") for later hosts.
        let versions = requested.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard versions.contains(where: info.protocolVersions.contains) else {
            refuse("""
                \(info.name) \(info.version) speaks Custos plugin protocol version(s) \
                \(info.protocolVersions.map(String.init).joined(separator: ", ")), \
                but the host asked for \(pluginProtocolEnvironmentKey)=\(requested).
                """)
        }
    }

    private static func refuse(_ notice: String) -> Never {
        _ = FileDescriptorIO.writeAll(2, Array((notice + "\n").utf8))
        exit(1)
    }
}
