#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's open-files limit, which bounds `max_connections`. At the limit, accept fails
/// with EMFILE while the pending connection stays queued, so the listening socket stays readable
/// and NIO retries at once: its accept back-off only delays the *next* read, not the failing one,
/// and a core spins until a descriptor frees. Keeping every listener's cap below the limit means
/// accept never meets EMFILE because of connections.
enum OpenFileLimit {
    /// Descriptors kept for everything but connections: storage, plugin pipes, logs.
    static let reserve = 128

    /// Raises the soft limit to the hard one, as Go programs (Vault among them) do at start-up,
    /// and returns the soft limit in force; nil if it cannot be read.
    static func raise() -> Int? {
        var limits = rlimit()
        guard getrlimit(resource, &limits) == 0 else { return nil }
        if limits.rlim_cur < limits.rlim_max {
            var raised = limits
            raised.rlim_cur = limits.rlim_max
            // May fail (an unlimited hard limit is above the kernel's maximum): keep the old one.
            if setrlimit(resource, &raised) == 0 { limits = raised }
        }
        return limits.rlim_cur >= rlim_t(Int.max) ? Int.max : Int(limits.rlim_cur)
    }

    /// The cap each of `listeners` listeners can have within `limit` descriptors.
    static func connectionCap(configured: Int, limit: Int?, listeners: Int) -> Int {
        guard let limit, listeners > 0 else { return configured }
        let available = limit > reserve ? (limit - reserve) / listeners : 1
        return max(1, min(configured, available))
    }

    #if canImport(Glibc)
    private static let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #else
    private static let resource = RLIMIT_NOFILE
    #endif
}
