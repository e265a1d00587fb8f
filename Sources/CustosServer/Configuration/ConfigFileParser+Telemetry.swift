import CustosCore
import HCL

/// Vault's `telemetry` stanzas: the top-level one (Prometheus retention, hostname prefix) and the
/// one inside a `listener "tcp"` block (`unauthenticated_metrics_access`).
extension ConfigFileParser {
    static let telemetryKeys: Set<String> = ["prometheus_retention_time", "disable_hostname"]
    static let listenerTelemetryKeys: Set<String> = ["unauthenticated_metrics_access"]

    /// nil without a `telemetry` block (then, as in Vault, `format=prometheus` is not enabled).
    static func decodeTelemetry(_ root: HCLObject) throws(HCLError) -> ServerConfiguration.Telemetry? {
        guard let block = try uniqueBlock("telemetry", in: root) else { return nil }
        try block.body.checkKeys(allowed: telemetryKeys)
        var telemetry = ServerConfiguration.Telemetry()
        if let item = try block.body.uniqueAttribute("prometheus_retention_time") {
            guard let retention = try durationValue(item) else {
                throw HCLError("prometheus_retention_time must be a duration such as \"24h\" (0 disables Prometheus)", at: item.valuePosition)
            }
            telemetry.prometheusRetention = retention
        }
        telemetry.disableHostname = try block.body.uniqueAttribute("disable_hostname")?.bool() ?? false
        return telemetry
    }

    /// `unauthenticated_metrics_access` of a listener's `telemetry` block (false without one).
    static func decodeListenerTelemetry(_ listener: HCLObject) throws(HCLError) -> Bool {
        guard let block = try uniqueBlock("telemetry", in: listener) else { return false }
        try block.body.checkKeys(allowed: listenerTelemetryKeys)
        return try block.body.uniqueAttribute("unauthenticated_metrics_access")?.bool() ?? false
    }

    private static func uniqueBlock(_ name: String, in object: HCLObject) throws(HCLError) -> HCLBlock? {
        let blocks = try object.blocks(named: name, labels: 0)
        if blocks.count > 1 { throw HCLError("only one \(name) block is allowed", at: blocks[1].position) }
        return blocks.first
    }

    /// A number of seconds or a Go duration, as Vault's `parseutil.ParseDurationSecond` reads it.
    private static func durationValue(_ item: HCLItem) throws(HCLError) -> Duration? {
        switch item.value {
        case .int(let seconds): return ListenerDuration.parse(String(seconds))
        case .string(let text): return ListenerDuration.parse(text)
        default: return nil
        }
    }
}
