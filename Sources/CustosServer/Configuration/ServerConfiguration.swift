package import CustosCore

/// The server's settings, from a config file in Vault's shape or from dev mode.
package struct ServerConfiguration: Sendable, Equatable {
    package enum Storage: Sendable, Equatable {
        case sqlite(path: String)
        case inMemory
    }

    package struct Listener: Sendable, Equatable {
        package var host: String = "127.0.0.1"
        package var port: Int = 8200
        package var tlsDisable: Bool = false
        package var tlsCertFile: String?
        package var tlsKeyFile: String?
        /// Vault's default: 32 MiB; larger bodies get 413.
        package var maxRequestSize: Int = 32 * 1024 * 1024
        /// Vault's `http_*` timeouts, with Vault's defaults; zero means Go's fallbacks (see
        /// `ConnectionTimeouts`).
        package var readHeaderTimeout: Duration = .seconds(10)
        package var readTimeout: Duration = .seconds(30)
        package var writeTimeout: Duration = .zero
        package var idleTimeout: Duration = .seconds(300)
        /// Custos's own: open connections at most; past it, connections that have not sent a
        /// request header are closed first (see `ConnectionTable`).
        package var maxConnections: Int = 4096
        /// `telemetry { unauthenticated_metrics_access = true }`: `GET sys/metrics` without a token.
        package var unauthenticatedMetricsAccess = false

        package init(host: String = "127.0.0.1", port: Int = 8200, tlsDisable: Bool = false, tlsCertFile: String? = nil, tlsKeyFile: String? = nil, maxRequestSize: Int = 32 * 1024 * 1024) {
            self.host = host
            self.port = port
            self.tlsDisable = tlsDisable
            self.tlsCertFile = tlsCertFile
            self.tlsKeyFile = tlsKeyFile
            self.maxRequestSize = maxRequestSize
        }

        package var address: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
        package var scheme: String { tlsDisable ? "http" : "https" }
        package var timeouts: ConnectionTimeouts { ConnectionTimeouts(self) }
    }

    /// The top-level `telemetry` block.
    package struct Telemetry: Sendable, Equatable {
        /// Vault's default is 24h; 0 disables the Prometheus format. Custos keeps every series for
        /// the life of the process whatever the value (see docs/operations.md).
        package var prometheusRetention: Duration = .seconds(24 * 3600)
        /// Accepted for Vault configs: Custos never prefixes metric names with the host name.
        package var disableHostname = false

        package init() {}
    }

    package enum LogFormat: String, Sendable, Equatable {
        case standard, json
    }

    package var storage: Storage
    package var listeners: [Listener]
    package var pluginDirectory: String?
    package var defaultLeaseTTL: Int64?
    package var maxLeaseTTL: Int64?
    package var logLevel: String?
    package var apiAddr: String?
    package var logFormat: LogFormat?
    /// nil without a `telemetry` block.
    package var telemetry: Telemetry?

    /// As in Vault: `format=prometheus` needs a `telemetry` block whose retention is not 0.
    package var prometheusEnabled: Bool {
        guard let telemetry else { return false }
        return telemetry.prometheusRetention > .zero
    }

    package init(storage: Storage, listeners: [Listener], pluginDirectory: String? = nil, defaultLeaseTTL: Int64? = nil, maxLeaseTTL: Int64? = nil, logLevel: String? = nil, apiAddr: String? = nil) {
        self.storage = storage
        self.listeners = listeners
        self.pluginDirectory = pluginDirectory
        self.defaultLeaseTTL = defaultLeaseTTL
        self.maxLeaseTTL = maxLeaseTTL
        self.logLevel = logLevel
        self.apiAddr = apiAddr
    }

    package var coreSettings: CoreSettings {
        var settings = CoreSettings()
        if let maxLeaseTTL { settings.maxLeaseTTL = maxLeaseTTL }
        if let defaultLeaseTTL { settings.defaultLeaseTTL = defaultLeaseTTL }
        switch storage {
        case .sqlite: settings.storageType = "sqlite"
        case .inMemory: settings.storageType = "inmem"
        }
        return settings
    }

    /// Splits `host:port` / `[v6]:port` as Vault's `address` takes it.
    package static func parseAddress(_ text: String) -> (host: String, port: Int)? {
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            let host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":"), let port = Int(rest.dropFirst()), (0...65535).contains(port) else { return nil }
            return (host, port)
        }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, let port = Int(parts[1]), (0...65535).contains(port) else { return nil }
        return (String(parts[0]), port)
    }
}
