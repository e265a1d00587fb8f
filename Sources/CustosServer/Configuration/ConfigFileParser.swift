import CustosCore
import Foundation
import HCL

/// Reads a server config file (HCL or JSON) in Vault's shape. Unknown keys and bad values are
/// errors with file, line and column: a typo must stop the server, not be ignored.
package enum ConfigFileParser {
    package struct ConfigError: Error, CustomStringConvertible, Sendable {
        package var description: String
    }

    static let topLevelKeys: Set<String> = [
        "storage", "listener", "plugin_directory", "default_lease_ttl", "max_lease_ttl", "log_level", "log_format",
        "api_addr", "telemetry",
        // Accepted for compatibility with Vault configs; they change nothing here (see docs/operations.md).
        "disable_mlock", "ui", "cluster_name",
    ]
    static let listenerKeys: Set<String> = [
        "address", "tls_disable", "tls_cert_file", "tls_key_file", "max_request_size",
        "http_read_header_timeout", "http_read_timeout", "http_write_timeout", "http_idle_timeout",
        "telemetry",
        // Custos's own (Vault has no such option): see docs/operations.md.
        "max_connections",
    ]

    package static func load(path: String) throws(ConfigError) -> ServerConfiguration {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigError(description: "\(path): cannot read the config file")
        }
        return try parse(text, filename: path)
    }

    package static func parse(_ text: String, filename: String) throws(ConfigError) -> ServerConfiguration {
        do {
            return try decode(try HCLDocument.parse(text, filename: filename), filename: filename)
        } catch {
            throw ConfigError(description: error.description)
        }
    }

    private static func decode(_ root: HCLObject, filename: String) throws(HCLError) -> ServerConfiguration {
        try root.checkKeys(allowed: topLevelKeys)
        let storageBlocks = try root.blocks(named: "storage", labels: 1)
        guard let storageBlock = storageBlocks.first else {
            throw HCLError("a storage block is required, e.g. storage \"sqlite\" { path = \"/var/lib/custos/custos.db\" }", at: root.position)
        }
        if storageBlocks.count > 1 { throw HCLError("only one storage block is allowed", at: storageBlocks[1].position) }
        let storage = try decodeStorage(storageBlock)

        var listeners: [ServerConfiguration.Listener] = []
        for block in try root.blocks(named: "listener", labels: 1) {
            listeners.append(try decodeListener(block))
        }
        if listeners.isEmpty { throw HCLError("at least one listener block is required", at: root.position) }

        var config = ServerConfiguration(storage: storage, listeners: listeners)
        config.pluginDirectory = try root.uniqueAttribute("plugin_directory")?.string()
        config.defaultLeaseTTL = try duration(root.uniqueAttribute("default_lease_ttl"))
        config.maxLeaseTTL = try duration(root.uniqueAttribute("max_lease_ttl"))
        if let item = try root.uniqueAttribute("log_level") {
            let level = try item.string().lowercased()
            let known = ["trace", "debug", "info", "notice", "warn", "warning", "error", "critical"]
            guard known.contains(level) else {
                throw HCLError("unknown log_level \"\(level)\": use one of trace, debug, info, warn, error", at: item.valuePosition)
            }
            config.logLevel = level
        }
        if let item = try root.uniqueAttribute("log_format") {
            let text = try item.string()
            guard let format = ServerConfiguration.LogFormat(rawValue: text.lowercased()) else {
                throw HCLError("unknown log_format \"\(text)\": use \"standard\" or \"json\"", at: item.valuePosition)
            }
            config.logFormat = format
        }
        config.telemetry = try decodeTelemetry(root)
        config.apiAddr = try root.uniqueAttribute("api_addr")?.string()
        _ = try root.uniqueAttribute("disable_mlock")?.bool()
        _ = try root.uniqueAttribute("ui")?.bool()
        _ = try root.uniqueAttribute("cluster_name")?.string()
        if let maxTTL = config.maxLeaseTTL, let defaultTTL = config.defaultLeaseTTL, defaultTTL > maxTTL,
           let item = root.attribute("default_lease_ttl") {
            throw HCLError("default_lease_ttl cannot be greater than max_lease_ttl", at: item.valuePosition)
        }
        return config
    }

    private static func decodeStorage(_ block: HCLBlock) throws(HCLError) -> ServerConfiguration.Storage {
        switch block.labels[0] {
        case "sqlite":
            try block.body.checkKeys(allowed: ["path"])
            guard let item = try block.body.uniqueAttribute("path") else {
                throw HCLError("storage \"sqlite\" needs a path", at: block.position)
            }
            let path = try item.string()
            guard !path.isEmpty else { throw HCLError("storage path cannot be empty", at: item.valuePosition) }
            return .sqlite(path: path)
        case "inmem":
            try block.body.checkKeys(allowed: [])
            return .inMemory
        default:
            throw HCLError("unsupported storage type \"\(block.labels[0])\": Custos supports \"sqlite\" and \"inmem\"", at: block.position)
        }
    }

    private static func decodeListener(_ block: HCLBlock) throws(HCLError) -> ServerConfiguration.Listener {
        guard block.labels[0] == "tcp" else {
            throw HCLError("unsupported listener type \"\(block.labels[0])\": Custos supports \"tcp\"", at: block.position)
        }
        let body = block.body
        try body.checkKeys(allowed: listenerKeys)
        var listener = ServerConfiguration.Listener()
        if let item = try body.uniqueAttribute("address") {
            guard let (host, port) = ServerConfiguration.parseAddress(try item.string()) else {
                throw HCLError("address must be host:port, e.g. \"127.0.0.1:8200\"", at: item.valuePosition)
            }
            listener.host = host
            listener.port = port
        }
        listener.tlsDisable = try body.uniqueAttribute("tls_disable")?.bool() ?? false
        listener.tlsCertFile = try body.uniqueAttribute("tls_cert_file")?.string()
        listener.tlsKeyFile = try body.uniqueAttribute("tls_key_file")?.string()
        if let item = try body.uniqueAttribute("max_request_size") {
            let size = try item.int()
            guard size > 0, size <= Int64(Int32.max) else {
                throw HCLError("max_request_size must be a positive number of bytes", at: item.valuePosition)
            }
            listener.maxRequestSize = Int(size)
        }
        if let timeout = try timeout(body.uniqueAttribute("http_read_header_timeout")) { listener.readHeaderTimeout = timeout }
        if let timeout = try timeout(body.uniqueAttribute("http_read_timeout")) { listener.readTimeout = timeout }
        if let timeout = try timeout(body.uniqueAttribute("http_write_timeout")) { listener.writeTimeout = timeout }
        if let timeout = try timeout(body.uniqueAttribute("http_idle_timeout")) { listener.idleTimeout = timeout }
        listener.unauthenticatedMetricsAccess = try decodeListenerTelemetry(body)
        if let item = try body.uniqueAttribute("max_connections") {
            let count = try item.int()
            guard count > 0, count <= 1_000_000 else {
                throw HCLError("max_connections must be a number of connections between 1 and 1000000", at: item.valuePosition)
            }
            listener.maxConnections = Int(count)
        }
        if !listener.tlsDisable && (listener.tlsCertFile == nil || listener.tlsKeyFile == nil) {
            throw HCLError("a TLS listener needs tls_cert_file and tls_key_file (or tls_disable = true)", at: block.position)
        }
        return listener
    }

    /// Vault's listener timeouts: seconds as a number, or a Go duration string.
    private static func timeout(_ item: HCLItem?) throws(HCLError) -> Duration? {
        guard let item else { return nil }
        switch item.value {
        case .int(let seconds):
            if let duration = ListenerDuration.parse(String(seconds)) { return duration }
        case .string(let text):
            if let duration = ListenerDuration.parse(text) { return duration }
        default:
            break
        }
        throw HCLError("expected a duration such as \"10s\", \"5m\" or \"500ms\" (or a number of seconds)", at: item.valuePosition)
    }

    private static func duration(_ item: HCLItem?) throws(HCLError) -> Int64? {
        guard let item else { return nil }
        switch item.value {
        case .int(let seconds) where seconds >= 0:
            return seconds
        case .string(let text):
            do { return try VaultDuration(parsing: text).seconds } catch {
                throw HCLError(error.description, at: item.valuePosition)
            }
        default:
            throw HCLError("expected a duration such as \"768h\"", at: item.valuePosition)
        }
    }
}
