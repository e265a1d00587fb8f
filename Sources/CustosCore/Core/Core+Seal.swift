import Foundation
import Logging
import Synchronization
package import VaultAPI

extension Core {
    /// `sys/init`: creates keys, the root token and the initial mount table; leaves the core sealed.
    package func initialize(shares: Int, threshold: Int, rootTokenID: String? = nil, initialMounts: [MountEntry] = []) async throws -> InitResult {
        let token = Mutex<String>("")
        let keys = try await seal.initialize(shares: shares, threshold: threshold) { barrier in
            let cluster = ClusterInfo(name: "custos-cluster-\(UUID().uuidString.lowercased().prefix(8))", id: UUID().uuidString.lowercased())
            var table = MountTable()
            for entry in initialMounts {
                guard let type = self.engineType(entry.type) else {
                    throw CustosError.badRequest("plugin not found in the catalog: \(entry.type)")
                }
                try type.validateOptions(entry.options)
                try table.add(entry)
            }
            try await barrier.transaction([
                .put(ClusterInfo.storageKey, try JSONEncoder().encode(cluster)),
                .put(MountTable.storageKey, try JSONEncoder().encode(table)),
            ])
            let tokens = try await TokenStore.open(storage: barrier, clock: self.settings.clock)
            let created = try await tokens.createRootToken(id: rootTokenID)
            token.withLock { $0 = created }
        }
        return InitResult(keys: keys, rootToken: token.withLock { $0 })
    }

    /// `sys/unseal` with one key share. Returns once the core serves again when it was the last share.
    package func submitUnsealKey(_ share: [UInt8]) async throws {
        try await submitUnsealKey(SecretBytes(share))
    }

    func submitUnsealKey(_ share: SecretBytes) async throws {
        switch try await seal.submit(share) {
        case .progress, .alreadyUnsealed:
            return
        case .unsealed:
            do {
                try await activate()
            } catch {
                // A half-activated core must not serve: seal again, report, keep the data intact.
                await seal.sealBarrier()
                logger.error("unseal failed while loading the mount table", metadata: ["error_type": "\(type(of: error))"])
                throw error
            }
        }
    }

    /// Loads what the unsealed core serves from: cluster identity, mount table, engines, tokens.
    private func activate() async throws {
        guard let clusterData = try await barrier.get(ClusterInfo.storageKey) else {
            throw CustosError(.internal, "the cluster record is missing")
        }
        let cluster = try JSONDecoder().decode(ClusterInfo.self, from: clusterData)
        var table = MountTable()
        if let data = try await barrier.get(MountTable.storageKey) {
            table = try JSONDecoder().decode(MountTable.self, from: data)
        }
        var engines: [String: any SecretsEngine] = [:]
        for entry in table.entries {
            do {
                engines[entry.uuid] = try await makeEngine(for: entry)
            } catch {
                // One broken mount must not keep the others from serving.
                logger.error("could not mount", metadata: ["path": "\(entry.path)", "type": "\(entry.type)", "error_type": "\(type(of: error))"])
            }
        }
        let tokens = try await TokenStore.open(storage: barrier, clock: settings.clock)
        let policies = PolicyStore(storage: barrier)
        let expiration = makeExpirationManager()
        tokens.observeLeases(TokenLeases(expiration: expiration, logger: logger))
        // Before the runtime is set: no request is served unaudited.
        try await loadAuditDevices()
        var runtime = Runtime(
            mounts: table, engines: engines, tokens: tokens, policies: policies, cluster: cluster, expiration: expiration)
        if let data = try await barrier.get(Runtime.tokenStoreConfigKey) {
            runtime.tokenStoreConfig = try JSONDecoder().decode(MountConfig.self, from: data)
        }
        self.runtime.withLock { $0 = runtime }
        for engine in engines.values { await engine.start() }
        await startTokenSweeper(tokens, on: expiration)
        // In the background: serving does not wait for the leases to be loaded. Tokens that
        // expired while the server was down are revoked by it (their leases are due).
        await expiration.restore()
        metrics.setUnsealed(true)
        logger.info("unsealed", metadata: ["mounts": "\(table.entries.count)"])
    }

    /// `sys/seal` (and shutdown): stop serving, run the seal observers, forget the keys.
    package func sealNow() async {
        let previous = runtime.withLock { current in defer { current = nil }; return current }
        await previous?.expiration.stop()  // and the token sweep, in its task group
        // After the expiration manager: no revocation runs through an engine that stopped.
        for engine in previous?.engines.values ?? [:].values { await engine.stop() }
        for observer in sealObservers.withLock({ $0 }) { await observer() }
        auditBroker.closeAll()
        await seal.sealBarrier()
        await StackScrubber.scrubConcurrencyPool()
        metrics.setUnsealed(false)
        logger.info("sealed")
    }

    /// Registers work done at every seal by what lives outside the core (the plugin supervisor
    /// stops its processes: they hold database credentials). Observers run in order once serving
    /// has stopped, before the keys are forgotten; `sys/seal` answers after they return.
    package func observeSeal(_ observer: @escaping @Sendable () async -> Void) {
        sealObservers.withLock { $0.append(observer) }
    }

    package var isSealed: Bool { runtime.withLock { $0 == nil } }

    /// What `sys/health` reports: no unseal progress, so no wait on the seal actor once the
    /// configuration is known (load balancers probe this constantly).
    package func healthState() async throws -> (initialized: Bool, sealed: Bool, clusterName: String?, clusterId: String?) {
        var config = seal.cachedConfig
        if config == nil { config = try await seal.config() }
        let initialized = config != nil
        let cluster = runtime.withLock { $0?.cluster }
        return (initialized, cluster == nil, cluster?.name, cluster?.id)
    }

    package func sealStatus() async throws -> SealStatus {
        let config = try await seal.config()
        let cluster = runtime.withLock { $0?.cluster }
        return SealStatus(
            type: "shamir",
            initialized: config != nil,
            sealed: cluster == nil,
            threshold: config?.secretThreshold ?? 0,
            shares: config?.secretShares ?? 0,
            progress: await seal.progressCount,
            nonce: await seal.nonce,
            version: CustosVersion.string,
            buildDate: CustosVersion.buildDate,
            migration: false,
            clusterName: cluster?.name,
            clusterID: cluster?.id,
            recoverySeal: false,
            storageType: settings.storageType
        )
    }
}
