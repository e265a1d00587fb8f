import Foundation
import Synchronization

/// Init, unseal and seal, one at a time. The actor serialises the transitions; the progress
/// rules live in `UnsealProgress`, the cryptography in `Shamir`, `RootKeyWrap` and `Barrier`.
actor SealController {
    let physical: any StorageBackend
    let barrier: Barrier
    private var progress = UnsealProgress()

    init(physical: any StorageBackend, barrier: Barrier) {
        self.physical = physical
        self.barrier = barrier
    }

    /// Written once by `initialize` and never changed (Custos has no rekey): once read, it is
    /// kept, so `sys/health` and `sys/seal-status` do not read storage on every probe.
    /// Behind a lock rather than the actor, so that a health probe reads it without queueing on
    /// the actor behind every other probe.
    private nonisolated let knownConfig = Mutex<SealConfig?>(nil)

    func config() async throws -> SealConfig? {
        if let known = cachedConfig { return known }
        guard let data = try await physical.get(SealConfig.storageKey) else { return nil }
        let config = try JSONDecoder().decode(SealConfig.self, from: data)
        knownConfig.withLock { $0 = config }
        return config
    }

    /// The configuration once `config()` has read it; nil before (or when uninitialised).
    nonisolated var cachedConfig: SealConfig? { knownConfig.withLock { $0 } }

    func isInitialized() async throws -> Bool { try await config() != nil }

    var progressCount: Int { progress.shares.count }
    var nonce: String { progress.nonce }

    /// Creates the keys: a random unseal key split into shares, a random root key wrapped by it,
    /// a fresh keyring. Runs `prepare` with the barrier briefly unsealed (to write the root token
    /// and the initial tables), then seals again, as Vault does.
    func initialize(
        shares: Int,
        threshold: Int,
        prepare: @Sendable (Barrier) async throws -> Void
    ) async throws -> [[UInt8]] {
        guard try await config() == nil else { throw CustosError.badRequest("Custos is already initialized") }
        guard shares >= 1, shares <= 255 else { throw CustosError.badRequest("secret_shares must be between 1 and 255") }
        guard threshold >= 1, threshold <= shares else {
            throw CustosError.badRequest("secret_threshold must be at least 1 and at most secret_shares")
        }
        guard shares == 1 || threshold >= 2 else {
            throw CustosError.badRequest("secret_threshold must be at least 2 when secret_shares is greater than 1")
        }
        let unsealKey = Self.randomBytes(32)
        let rootKey = Self.randomBytes(32)
        let keyShares = shares == 1 ? [unsealKey] : try Shamir.split(unsealKey, shares: shares, threshold: threshold)

        try await barrier.initialize(rootKey: rootKey)
        try await barrier.unseal(rootKey: rootKey)
        do {
            try await prepare(barrier)
        } catch {
            barrier.seal()
            throw error
        }
        barrier.seal()
        // The seal config is written last: a crash before this point leaves an uninitialised server.
        try await physical.transaction([
            .put(SealConfig.rootKeyStorageKey, try RootKeyWrap.wrap(rootKey: rootKey, unsealKey: unsealKey)),
            .put(SealConfig.storageKey, try JSONEncoder().encode(SealConfig(secretShares: shares, secretThreshold: threshold))),
        ])
        return keyShares
    }

    enum SubmitOutcome: Sendable {
        case progress(Int)
        case unsealed
        case alreadyUnsealed
    }

    func submit(_ share: SecretBytes) async throws -> SubmitOutcome {
        guard let config = try await config() else { throw CustosError.notInitialized }
        if !barrier.isSealed { return .alreadyUnsealed }
        switch try progress.submit(share, threshold: config.secretThreshold) {
        case .needMore(let count):
            return .progress(count)
        case .complete(let shares):
            defer { for share in shares { share.wipe() } }
            // Every plain copy of key material below is a local that is wiped before returning.
            var unsealKey: [UInt8]
            if config.secretShares == 1 {
                unsealKey = shares[0].bytes
            } else {
                var parts = shares.map(\.bytes)
                defer { for index in parts.indices { parts[index].wipe() } }
                do {
                    unsealKey = try Shamir.combine(parts)
                } catch {
                    throw CustosError.badRequest("invalid key: the provided keys do not combine into an unseal key; progress has been reset")
                }
            }
            defer { unsealKey.wipe() }
            guard let wrapped = try await physical.get(SealConfig.rootKeyStorageKey) else {
                throw CustosError(.internal, "the stored root key is missing")
            }
            var rootKey: [UInt8]
            do {
                rootKey = try RootKeyWrap.unwrap(wrapped, unsealKey: unsealKey)
            } catch {
                throw CustosError.badRequest("invalid key: the provided keys do not unseal this server; progress has been reset")
            }
            defer { rootKey.wipe() }
            try await barrier.unseal(rootKey: rootKey)
            return .unsealed
        }
    }

    func resetProgress() { progress.reset() }

    func sealBarrier() {
        progress.reset()
        barrier.seal()
    }

    static func randomBytes(_ count: Int) -> [UInt8] {
        var rng = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &rng) }
    }
}
