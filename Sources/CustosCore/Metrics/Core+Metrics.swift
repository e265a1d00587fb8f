import Logging
import Synchronization

/// What the core tells the metrics endpoint: the path family of a request, and the gauges that
/// are read at scrape time rather than kept up to date on every change.
extension Core {
    package var metrics: CustosMetrics { settings.metrics }

    /// The bounded label for a request path: `sys/`, `auth/token/`, the path of the mount serving
    /// it, or `unmatched` (also for every non-`sys/` path while sealed).
    package func metricsFamily(forPath path: String) -> String {
        Self.builtinMounts.match(path)?.path
            ?? runtime.withLock { $0?.mounts.match(path)?.path } ?? CustosMetrics.Family.unmatched
    }

    /// Sets the scrape-time gauges: seal state; while unsealed also the expiration queue's depth,
    /// the irrevocable leases and the outstanding leases per mount. The lease counts come from
    /// key-only scans of the lease indexes (no value is read or decrypted), so a scrape costs
    /// time in proportion to the number of leases.
    package func recordScrapeTimeGauges() async {
        let current = runtime.withLock { $0 }
        metrics.setUnsealed(current != nil)
        guard let current else {
            metrics.clearLeaseGauges()
            return
        }
        metrics.setExpirationQueueDepth(await current.expiration.queuedCount)
        do {
            let store = current.expiration.store
            metrics.setIrrevocableLeases(try await store.irrevocableIDs().count)
            var counts: [String: Int] = [:]
            for entry in current.mounts.entries { counts[entry.path] = 0 }
            counts[CustosMetrics.Family.tokens] = 0
            // Ids are `<mount><path>/<random>`: one mount lookup per folder, not per lease.
            var labelByFolder: [Substring: String] = [:]
            for id in try await store.ids(under: "") {
                let folder = id[..<(id.lastIndex(of: "/") ?? id.endIndex)]
                let label = labelByFolder[folder] ?? Self.leaseMountLabel(leaseID: id, mounts: current.mounts)
                labelByFolder[folder] = label
                counts[label, default: 0] += 1
            }
            metrics.setOutstandingLeases(counts)
        } catch {
            // Sealed meanwhile, or storage trouble: keep the last values rather than wrong ones.
            logger.warning("could not count leases for the metrics", metadata: ["error_type": "\(type(of: error))"])
        }
    }

    /// Lease ids start with the path they were issued under: the mount's path, or `auth/token/`.
    static func leaseMountLabel(leaseID: String, mounts: MountTable) -> String {
        if leaseID.hasPrefix(TokenPaths.mount.path) { return CustosMetrics.Family.tokens }
        return mounts.match(leaseID)?.path ?? CustosMetrics.Family.unmatched
    }

    /// The mount label of a lease being revoked, by its mount accessor (the mount may be gone).
    func leaseMountLabel(_ lease: LeaseEntry) -> String {
        if lease.mountAccessor == TokenLeases.mountAccessor { return CustosMetrics.Family.tokens }
        return runtime.withLock { $0?.mount(accessor: lease.mountAccessor)?.0.path } ?? CustosMetrics.Family.unmatched
    }
}
