import Foundation
import Synchronization

extension Core {
    /// Mounts a new engine; persisted before it serves.
    func enableMount(_ entry: MountEntry) async throws {
        guard let type = engineType(entry.type) else {
            throw CustosError.badRequest("plugin not found in the catalog: \(entry.type)")
        }
        try type.validateOptions(entry.options)
        try await mountChanges.run {
            guard var runtime = self.runtime.withLock({ $0 }) else { throw CustosError.sealed }
            var table = runtime.mounts
            try table.add(entry)
            let engine = try await self.makeEngine(for: entry)
            try await self.barrier.put(MountTable.storageKey, try JSONEncoder().encode(table))
            runtime.mounts = table
            runtime.engines[entry.uuid] = engine
            self.publish(runtime)
            await engine.start()
        }
    }

    /// Unmounts and deletes everything the engine stored.
    func disableMount(_ path: String) async throws {
        try await mountChanges.run {
            guard var runtime = self.runtime.withLock({ $0 }) else { throw CustosError.sealed }
            var table = runtime.mounts
            // Disabling a path that is not mounted succeeds, as in Vault.
            guard let removed = table.remove(path) else { return }
            // As Vault: the mount's leases are revoked through its engine first; if some cannot
            // be, the mount stays (its leases would otherwise have no engine to revoke them).
            let revocation = try await runtime.expiration.revokePrefix(removed.path)
            if !revocation.failed.isEmpty || revocation.skippedBusy > 0 {
                throw CustosError(.badRequest, "failed to revoke \(revocation.failed.count + revocation.skippedBusy) lease(s) of \(removed.path); the mount was not disabled")
            }
            try await self.barrier.put(MountTable.storageKey, try JSONEncoder().encode(table))
            let engine = runtime.engines[removed.uuid]
            runtime.mounts = table
            runtime.engines[removed.uuid] = nil
            self.publish(runtime)
            // Its leases are gone; now it may close what it holds (plugin connections).
            await engine?.stop()
            try await self.purge(prefix: removed.storagePrefix)
        }
    }

    func updateMount(_ entry: MountEntry) async throws {
        try await mountChanges.run {
            guard var runtime = self.runtime.withLock({ $0 }) else { throw CustosError.sealed }
            var table = runtime.mounts
            table.update(entry)
            try await self.barrier.put(MountTable.storageKey, try JSONEncoder().encode(table))
            runtime.mounts = table
            self.publish(runtime)
            // The engine keeps its state (connections, caches) and learns the new settings.
            await runtime.engines[entry.uuid]?.tuned(to: entry)
        }
    }

    /// `sys/auth/token/tune`: the token store's TTLs, stored and in force for tokens created or
    /// renewed from now on.
    func tuneTokenStore(_ config: MountConfig) async throws {
        try await mountChanges.run {
            guard var runtime = self.runtime.withLock({ $0 }) else { throw CustosError.sealed }
            try await self.barrier.put(Runtime.tokenStoreConfigKey, try JSONEncoder().encode(config))
            runtime.tokenStoreConfig = config
            self.publish(runtime)
        }
    }

    /// Deletes all keys below a prefix in batches, so a large mount does not need one huge transaction.
    private func purge(prefix: String) async throws {
        let keys = try await barrier.scan(prefix: prefix)
        var index = keys.startIndex
        while index < keys.endIndex {
            let end = keys.index(index, offsetBy: 1000, limitedBy: keys.endIndex) ?? keys.endIndex
            try await barrier.transaction(keys[index..<end].map { .delete(prefix + $0) })
            index = end
        }
    }

    /// Publishes a new runtime unless the core was sealed meanwhile.
    private func publish(_ runtime: Runtime) {
        self.runtime.withLock { current in
            if current != nil { current = runtime }
        }
    }
}
