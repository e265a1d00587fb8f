extension ServerConfiguration {
    /// `custos server -dev`'s configuration (and the in-process test mode's): one plain-HTTP
    /// listener whose metrics, as on Vault's dev server, are readable in both formats without a
    /// token.
    package static func dev(storage: Storage, host: String = "127.0.0.1", port: Int = 8200, pluginDirectory: String? = nil) -> ServerConfiguration {
        var listener = Listener(host: host, port: port, tlsDisable: true)
        listener.unauthenticatedMetricsAccess = true
        var configuration = ServerConfiguration(storage: storage, listeners: [listener], pluginDirectory: pluginDirectory)
        configuration.telemetry = Telemetry()
        return configuration
    }
}
