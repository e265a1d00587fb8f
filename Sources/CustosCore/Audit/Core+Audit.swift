import Foundation
import Logging

/// The audit devices' life in the core: loaded at unseal before anything is served, closed at
/// seal, enabled and disabled through `sys/audit/<path>`, reopened on SIGHUP.
extension Core {
    /// The request's trail through the audit devices; nil when none is enabled, and for the
    /// paths Vault serves outside its request handling (init, unseal, seal status, health).
    /// `sys/audit/` always has one: the device it enables logs that request's response, as in
    /// Vault, even when it is the first.
    func auditTrail(for request: LogicalRequest, route: Route?) -> AuditTrail? {
        let (devices, generation) = auditBroker.snapshot
        guard !devices.isEmpty || request.path.hasPrefix("sys/audit/"), route?.auth != .unauthenticated else { return nil }
        return AuditTrail(core: self, request: request, generation: generation)
    }

    /// The mount a path belongs to, and the response keys its engine leaves in clear there.
    func auditMount(for path: String, runtime: Runtime) -> (AuditMount?, Set<String>) {
        guard let route = route(path, runtime: runtime) else { return (nil, []) }
        let mount = route.mount
        // The built-in backends have no accessor in Vault's audit entries.
        guard !route.isBuiltin else { return (AuditMount(point: mount.path, type: mount.type, accessor: nil), []) }
        let keys = engineType(mount.type)?.auditNonHMACResponseKeys.keys(for: route.relativePath) ?? []
        return (AuditMount(point: mount.path, type: mount.type, accessor: mount.accessor), keys)
    }

    /// Unseal: every device of the stored table, before the first request is served. A device
    /// whose file cannot be opened now is kept (requests fail closed until it can be written),
    /// so that one unwritable log does not keep the core sealed.
    func loadAuditDevices() async throws {
        try await auditBroker.changes.withLock {
            var devices: [EnabledAuditDevice] = []
            for entry in try await auditTable().entries {
                guard let salt = try await barrier.get(entry.saltKey) else {
                    throw CustosError(.internal, "the salt of audit device \(entry.path) is missing")
                }
                do {
                    devices.append(try EnabledAuditDevice.make(entry, salt: salt, open: true, syslogSocketPaths: settings.syslogSocketPaths))
                } catch {
                    logger.error("audit device cannot write; requests fail until it can", metadata: [
                        "path": "\(entry.path)", "error": "\(error)",
                    ])
                    devices.append(try EnabledAuditDevice.make(entry, salt: salt, open: false, syslogSocketPaths: settings.syslogSocketPaths))
                }
            }
            auditBroker.install(devices)
        }
    }

    /// SIGHUP: the file devices close and reopen their files (after logrotate moved them).
    package func reopenAuditDevices() {
        let failed = auditBroker.reopenAll()
        logger.info("audit devices reopened", metadata: ["devices": "\(auditBroker.devices.count)", "failed": "\(failed)"])
    }

    /// `PUT sys/audit/<path>`: the device must take a test entry before it is stored, as in Vault.
    func enableAudit(_ entry: AuditDeviceEntry) async throws {
        try await auditBroker.changes.withLock {
            var table = try await auditTable()
            if table.entries.contains(where: { $0.path.hasPrefix(entry.path) || entry.path.hasPrefix($0.path) }) {
                throw CustosError.badRequest("path already in use")
            }
            let salt = AuditHasher.newSalt()
            let device = try EnabledAuditDevice.make(entry, salt: salt, open: true, syslogSocketPaths: settings.syslogSocketPaths)
            let test = AuditEntry(
                time: Date(), kind: .request, auth: AuditAuth(),
                request: AuditRequest(id: UUID().uuidString.lowercased(), operation: .update, path: "sys/audit/test"))
            do {
                try await device.device.write(device.formatter.line(for: test))
            } catch {
                device.device.close()
                throw CustosError.badRequest("audit backend failed test message: \(error)")
            }
            table.entries.append(entry)
            do {
                try await barrier.transaction([
                    .put(AuditTable.storageKey, try JSONEncoder().encode(table)), .put(entry.saltKey, salt),
                ])
            } catch {
                device.device.close()
                throw error
            }
            auditBroker.add(device)
            logger.info("enabled audit device", metadata: ["path": "\(entry.path)", "type": "\(entry.type)"])
        }
    }

    /// `DELETE sys/audit/<path>`: a path with no device is no error, as in Vault.
    func disableAudit(_ path: String) async throws {
        try await auditBroker.changes.withLock {
            var table = try await auditTable()
            guard let index = table.entries.firstIndex(where: { $0.path == path }) else { return }
            let entry = table.entries.remove(at: index)
            try await barrier.transaction([
                .put(AuditTable.storageKey, try JSONEncoder().encode(table)), .delete(entry.saltKey),
            ])
            auditBroker.remove(path: path)?.device.close()
            logger.info("disabled audit device", metadata: ["path": "\(path)"])
        }
    }

    /// The enabled devices as stored.
    func auditTable() async throws -> AuditTable {
        guard let data = try await barrier.get(AuditTable.storageKey) else { return AuditTable() }
        return try JSONDecoder().decode(AuditTable.self, from: data)
    }

    /// `sys/audit-hash/<path>`: `input` as the device at `path` logs it.
    func auditHash(_ input: String, path: String) throws(CustosError) -> String {
        guard let device = auditBroker.device(at: path) else {
            throw .badRequest("unknown audit backend \"\(path)\"")
        }
        return device.formatter.hasher.hash(input)
    }
}
