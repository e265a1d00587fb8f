import Foundation
import Logging
import Synchronization

/// An enabled device: its table row, where it writes and how it formats.
struct EnabledAuditDevice: Sendable {
    let entry: AuditDeviceEntry
    let device: any AuditDevice
    let formatter: AuditFormatter

    /// Builds the device a table row describes, its file or syslog socket not yet tried when
    /// `open` is false (at unseal, where a broken target must not keep the core sealed).
    static func make(
        _ entry: AuditDeviceEntry, salt: Data, open: Bool,
        syslogSocketPaths: [String] = SyslogAuditDevice.Configuration.defaultSocketPaths
    ) throws(CustosError) -> EnabledAuditDevice {
        let (kind, formatter) = try AuditDeviceOptions.parse(
            type: entry.type, options: entry.options, hasher: AuditHasher(salt: salt), syslogSocketPaths: syslogSocketPaths)
        let device: any AuditDevice
        switch kind {
        case .file(let target, let mode):
            if open {
                do {
                    device = try FileAuditDevice(target: target, mode: mode)
                } catch {
                    throw CustosError.badRequest("sanity check failed; unable to open \"\(entry.options["file_path"] ?? "")\" for writing: \(error.description)")
                }
            } else {
                device = FileAuditDevice(unopened: target, mode: mode)
            }
        case .socket(let configuration):
            device = SocketAuditDevice(configuration)
        case .syslog(let configuration):
            let syslog = SyslogAuditDevice(configuration)
            if open {
                do {
                    try syslog.connect()
                } catch {
                    throw CustosError.badRequest(SyslogAuditDevice.unreachable)
                }
            }
            device = syslog
        }
        return EnabledAuditDevice(entry: entry, device: device, formatter: formatter)
    }
}

/// The enabled audit devices and the one place entries are written. Requests read a snapshot
/// (one short lock) and write to each device directly: no actor, no queue, so concurrent
/// requests only meet inside a device's own write lock.
package final class AuditBroker: Sendable {
    private struct State {
        var devices: [EnabledAuditDevice] = []
        /// Bumped when the devices are closed (seal): a request that began before can tell.
        var generation: UInt64 = 0
    }

    private let state = Mutex(State())
    /// Enable, disable and load, one at a time (they read and write the stored table).
    let changes = AsyncSerialLock()
    let logger: Logger

    init(logger: Logger) {
        self.logger = logger
    }

    var devices: [EnabledAuditDevice] { state.withLock { $0.devices } }

    var snapshot: (devices: [EnabledAuditDevice], generation: UInt64) {
        state.withLock { ($0.devices, $0.generation) }
    }

    var generation: UInt64 { state.withLock { $0.generation } }

    func device(at path: String) -> EnabledAuditDevice? {
        state.withLock { $0.devices.first { $0.entry.path == path } }
    }

    /// Writes `entry` to each enabled device; true when at least one of them took it (Vault's
    /// rule: one working device is enough, none is a refused request). With no device left, true
    /// only if they were disabled, not closed by a seal since `generation`.
    func log(_ entry: AuditEntry, since generation: UInt64) async -> Bool {
        let (devices, current) = snapshot
        guard !devices.isEmpty else { return current == generation }
        return await log(entry, to: devices)
    }

    func log(_ entry: AuditEntry, to devices: [EnabledAuditDevice]) async -> Bool {
        var written = 0
        for enabled in devices {
            do {
                try await enabled.device.write(enabled.formatter.line(for: entry))
                written += 1
            } catch {
                logger.error("audit device failed to log", metadata: [
                    "path": "\(enabled.entry.path)", "type": "\(entry.kind.rawValue)", "error": "\(error.description)",
                ])
            }
        }
        return written > 0
    }

    func add(_ device: EnabledAuditDevice) {
        state.withLock { $0.devices.append(device) }
    }

    func remove(path: String) -> EnabledAuditDevice? {
        state.withLock { state in
            guard let index = state.devices.firstIndex(where: { $0.entry.path == path }) else { return nil }
            return state.devices.remove(at: index)
        }
    }

    /// The devices of an unseal, replacing whatever was there.
    func install(_ devices: [EnabledAuditDevice]) {
        let previous = state.withLock { state in
            defer { state.devices = devices }
            return state.devices
        }
        previous.forEach { $0.device.close() }
    }

    /// Seal: every device closed; a request still in flight fails its next write.
    func closeAll() {
        let previous = state.withLock { state in
            defer { state.devices = []; state.generation &+= 1 }
            return state.devices
        }
        previous.forEach { $0.device.close() }
    }

    /// SIGHUP: each device reopens its target. Returns how many could not (each is logged; their
    /// requests fail closed until the target works again).
    @discardableResult
    func reopenAll() -> Int {
        var failed = 0
        for enabled in devices {
            do {
                try enabled.device.reopen()
            } catch {
                failed += 1
                logger.error("audit device failed to reopen", metadata: [
                    "path": "\(enabled.entry.path)", "error": "\(error.description)",
                ])
            }
        }
        return failed
    }
}
