package import CoreMetrics

/// Every metric the core records, through the swift-metrics API only: the server decides where
/// they go (its own Prometheus registry) by handing a factory in `CoreSettings.metrics`. The
/// default factory drops everything, so a core built without one (tests, benchmarks) records
/// nothing and needs no global `MetricsSystem.bootstrap`.
///
/// Label values come from bounded sets only (mount paths, fixed family names, status codes),
/// never from a request's own path: a client must not be able to grow the registry.
package struct CustosMetrics: Sendable {
    package enum Name {
        package static let requests = "custos_http_requests_total"
        package static let requestDuration = "custos_http_request_duration_seconds"
        package static let leasesOutstanding = "custos_leases_outstanding"
        package static let leasesIrrevocable = "custos_leases_irrevocable"
        package static let revocations = "custos_lease_revocations_total"
        package static let revocationFailures = "custos_lease_revocation_failures_total"
        package static let expirationQueueDepth = "custos_expiration_queue_depth"
        package static let unsealed = "custos_core_unsealed"
    }

    /// Path families that are not a mount path.
    package enum Family {
        package static let system = "sys/"
        package static let tokens = "auth/token/"
        /// No mount serves the path (or the core is sealed and cannot tell).
        package static let unmatched = "unmatched"
    }

    package let factory: any MetricsFactory
    /// Mount labels the lease gauge reported last time, so a mount that disappeared is removed.
    let leaseGaugeLabels = LeaseGaugeLabels()
    /// The request path's metric objects, made once per family and status.
    let requestSeries = RequestSeriesCache()

    package init(factory: any MetricsFactory = NOOPMetricsHandler.instance) {
        self.factory = factory
    }

    /// One HTTP request answered: counted and timed by path family and status code.
    package func requestServed(family: String, status: Int, duration: Duration) {
        let series = requestSeries.series(family: family, status: status) {
            let dimensions = [("family", family), ("code", String(status))]
            return (
                Counter(label: Name.requests, dimensions: dimensions, factory: factory),
                CoreMetrics.Timer(label: Name.requestDuration, dimensions: dimensions, factory: factory))
        }
        series.count.increment()
        series.duration.recordNanoseconds(duration.wholeNanoseconds)
    }

    func leaseRevoked(mount: String) {
        Counter(label: Name.revocations, dimensions: [("mount", mount)], factory: factory).increment()
    }

    func leaseRevocationFailed(mount: String) {
        Counter(label: Name.revocationFailures, dimensions: [("mount", mount)], factory: factory).increment()
    }

    func setUnsealed(_ unsealed: Bool) {
        Gauge(label: Name.unsealed, factory: factory).record(unsealed ? 1 : 0)
    }

    func setExpirationQueueDepth(_ depth: Int) {
        Gauge(label: Name.expirationQueueDepth, factory: factory).record(depth)
    }

    func setIrrevocableLeases(_ count: Int) {
        Gauge(label: Name.leasesIrrevocable, factory: factory).record(count)
    }

    /// Sets the outstanding-lease gauge of every mount in `counts` and removes the series of
    /// mounts reported before but gone now (a disabled mount must not show its last value forever).
    func setOutstandingLeases(_ counts: [String: Int]) {
        let vanished = leaseGaugeLabels.replace(with: Set(counts.keys))
        for mount in vanished {
            Gauge(label: Name.leasesOutstanding, dimensions: [("mount", mount)], factory: factory).destroy()
        }
        for (mount, count) in counts {
            Gauge(label: Name.leasesOutstanding, dimensions: [("mount", mount)], factory: factory).record(count)
        }
    }

    /// Removes every lease series (sealed: the counts are unknown, not zero).
    func clearLeaseGauges() {
        setOutstandingLeases([:])
        Gauge(label: Name.leasesIrrevocable, factory: factory).destroy()
        Gauge(label: Name.expirationQueueDepth, factory: factory).destroy()
    }
}

extension Duration {
    /// Whole nanoseconds, saturating instead of trapping.
    fileprivate var wholeNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflowed) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        let (total, overflowedAgain) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000)
        return overflowed || overflowedAgain ? (seconds < 0 ? .min : .max) : total
    }
}
