package import Foundation

/// Server-wide settings the core needs (from the config file or dev mode).
package struct CoreSettings: Sendable {
    /// Default and maximum lease TTLs for mounts that do not set their own (Vault: 32 days).
    package var defaultLeaseTTL: Int64 = 768 * 3600
    package var maxLeaseTTL: Int64 = 768 * 3600
    /// Shown by `sys/seal-status` (`storage_type`).
    package var storageType: String = "inmem"
    /// The one clock of the core: tokens, leases and engines' timers; tests inject a `ManualClock`.
    package var clock: any CoreClock = SystemClock()
    /// How often expired tokens that nobody presents are swept away.
    package var tokenSweepInterval: TimeInterval = 60
    /// The expiration manager's tuning (concurrency, retries).
    package var expiration = ExpirationManager.Configuration()
    /// Where the `syslog` audit device looks for the local daemon, in order (tests use their own).
    package var syslogSocketPaths = SyslogAuditDevice.Configuration.defaultSocketPaths
    /// Where the core's metrics go; by default nowhere (the server hands in its registry's factory).
    package var metrics = CustosMetrics()

    package init(defaultLeaseTTL: Int64 = 768 * 3600, maxLeaseTTL: Int64 = 768 * 3600, storageType: String = "inmem") {
        self.defaultLeaseTTL = defaultLeaseTTL
        self.maxLeaseTTL = maxLeaseTTL
        self.storageType = storageType
    }
}

package enum CustosVersion {
    package static let string = "0.1.0"
    package static let buildDate = "2026-11-21T00:00:00Z"
}

/// Identity of an initialised cluster, stored under the barrier at `core/cluster`.
package struct ClusterInfo: Codable, Sendable, Equatable {
    package var name: String
    package var id: String
    package static let storageKey = "core/cluster"
}
