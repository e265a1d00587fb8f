/// `GET sys/leader`. One server per storage file: HA is off, so the server sends the defaults.
package struct LeaderStatus: Codable, Sendable, Equatable {
    package var haEnabled = false
    package var isSelf = false
    package var activeTime = "0001-01-01T00:00:00Z"
    package var leaderAddress = ""
    package var leaderClusterAddress = ""
    package var performanceStandby = false
    package var performanceStandbyLastRemoteWal = 0

    enum CodingKeys: String, CodingKey {
        case haEnabled = "ha_enabled", isSelf = "is_self", activeTime = "active_time"
        case leaderAddress = "leader_address", leaderClusterAddress = "leader_cluster_address"
        case performanceStandby = "performance_standby"
        case performanceStandbyLastRemoteWal = "performance_standby_last_remote_wal"
    }

    package init() {}
}
