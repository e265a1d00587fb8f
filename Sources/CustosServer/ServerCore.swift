package import CustosCore
import Foundation
package import Logging

/// The core as a server runs it, assembled one way for `custos server` and for the in-process
/// test mode: its storage, its metrics registry and the `sys/metrics` path; in dev mode
/// initialised with one key share, unsealed, KV at `secret/`.
package struct ServerCore: Sendable {
    package let core: Core
    package let metrics: ServerMetrics

    /// What dev mode's banner prints.
    package struct DevKeys: Sendable {
        package var unsealKey: String
        package var rootToken: String
    }

    package init(configuration: ServerConfiguration, engineTypes: [SecretsEngineType], logger: Logger) throws {
        let storage = try StorageFactory.open(configuration.storage)
        let metrics = ServerMetrics(prometheusEnabled: configuration.prometheusEnabled)
        var settings = configuration.coreSettings
        settings.metrics = CustosMetrics(factory: metrics.factory)
        let core = Core(physical: storage, settings: settings, engineTypes: engineTypes, logger: logger)
        core.install(MetricsPaths(endpoint: MetricsEndpoint(
            metrics: metrics, refreshGauges: { [weak core] in await core?.recordScrapeTimeGauges() })))
        self.core = core
        self.metrics = metrics
    }

    /// Dev mode: initialise with one key share, unseal, mount KV at `secret/`.
    package func initializeDev(rootTokenID: String?) async throws -> DevKeys {
        let result = try await core.initialize(
            shares: 1,
            threshold: 1,
            rootTokenID: rootTokenID,
            initialMounts: [MountEntry(path: "secret/", type: "kv", description: "key/value secret storage")]
        )
        try await core.submitUnsealKey(result.keys[0])
        return DevKeys(unsealKey: Data(result.keys[0]).base64EncodedString(), rootToken: result.rootToken)
    }

    /// One listener's HTTP application in front of this core.
    package func application(listener: ServerConfiguration.Listener, maxConnections: Int? = nil, logger: Logger) -> VaultApplication {
        VaultApplication(core: core, listener: listener, maxConnections: maxConnections, metrics: metrics, logger: logger)
    }
}
