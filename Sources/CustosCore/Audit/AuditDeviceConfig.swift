import Foundation

/// One row of the audit table (Vault's `core/audit`): a device as enabled, stored under the
/// barrier. Its salt is stored apart (`saltKey`), also under the barrier, and never shown.
package struct AuditDeviceEntry: Codable, Sendable, Equatable {
    /// Always ends with `/` (`file/`).
    package var path: String
    package var type: String
    package var description: String
    package var options: [String: String]
    package var local: Bool
    package var uuid: String

    package init(path: String, type: String, description: String = "", options: [String: String] = [:], local: Bool = false) {
        self.path = path
        self.type = type
        self.description = description
        self.options = options
        self.local = local
        self.uuid = UUID().uuidString.lowercased()
    }

    var saltKey: String { "audit/\(uuid)/salt" }

    /// `file`, `/file/` and `file/` name the same device.
    static func normalize(_ path: String) -> String {
        let trimmed = path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        return trimmed.isEmpty ? "" : trimmed + "/"
    }
}

/// The enabled devices, in the order they were enabled.
struct AuditTable: Codable, Sendable, Equatable {
    static let storageKey = "core/audit"
    var entries: [AuditDeviceEntry] = []
}

/// A device's options, checked when it is enabled (400 with Vault's wording for a bad one) and
/// again when it is loaded at unseal. Options no device knows are kept and ignored, as in Vault.
enum AuditDeviceOptions {
    enum Kind: Sendable, Equatable {
        case file(FileAuditDevice.Target, mode: UInt32)
        case socket(SocketAuditDevice.Configuration)
        case syslog(SyslogAuditDevice.Configuration)
    }

    static func parse(
        type: String, options: [String: String], hasher: AuditHasher,
        syslogSocketPaths: [String] = SyslogAuditDevice.Configuration.defaultSocketPaths
    ) throws(CustosError) -> (Kind, AuditFormatter) {
        let kind: Kind
        switch type {
        case "file": kind = try file(options)
        case "socket": kind = try socket(options)
        case "syslog": kind = try syslog(options, socketPaths: syslogSocketPaths)
        default: throw .badRequest("unknown backend type: \"\(type)\"")
        }
        var formatter = AuditFormatter(hasher: hasher)
        formatter.logRaw = try bool(options, "log_raw", default: false)
        formatter.hmacAccessor = try bool(options, "hmac_accessor", default: true)
        formatter.prefix = options["prefix"] ?? ""
        switch options["format"] ?? "" {
        case "", "json": formatter.format = .json
        case "jsonx": formatter.format = .jsonx
        case let other: throw .badRequest("unknown format type \"\(other)\"")
        }
        return (kind, formatter)
    }

    private static func file(_ options: [String: String]) throws(CustosError) -> Kind {
        // Vault also reads the older spelling `path`.
        guard let path = options["file_path"] ?? options["path"], !path.isEmpty else {
            throw .badRequest("file_path is required")
        }
        var mode: UInt32 = 0o600
        if let text = options["mode"], !text.isEmpty {
            guard let parsed = UInt32(text, radix: 8), parsed <= 0o777 else {
                throw .badRequest("unable to parse \"mode\": \"\(text)\" is not an octal file mode such as 0600")
            }
            mode = parsed
        }
        switch path.lowercased() {
        case "stdout": return .file(.standardOutput, mode: mode)
        case "discard": return .file(.discard, mode: mode)
        default: return .file(.path(path), mode: mode)
        }
    }

    private static func socket(_ options: [String: String]) throws(CustosError) -> Kind {
        let network: SocketAuditDevice.Network
        switch options["socket_type"] ?? "tcp" {
        case "tcp", "": network = .tcp
        case "unix": network = .unix
        case let other: throw .badRequest("unsupported socket_type \"\(other)\": use tcp or unix")
        }
        guard let address = options["address"], !address.isEmpty else {
            throw .badRequest("address is required")
        }
        var timeout = VaultDuration(seconds: 2)
        var milliseconds: Int64 = 2000
        if let text = options["write_timeout"], !text.isEmpty {
            do {
                timeout = try VaultDuration(parsing: text)
            } catch {
                throw .badRequest("unable to parse \"write_timeout\": \(error.description)")
            }
            milliseconds = Self.milliseconds(text) ?? timeout.seconds * 1000
        }
        guard milliseconds > 0 else { throw .badRequest("write_timeout must be greater than zero") }
        if network == .tcp, SocketAuditDevice.hostAndPort(address) == nil {
            throw .badRequest("invalid address \"\(address)\": use host:port")
        }
        return .socket(.init(network: network, address: address, writeTimeoutMilliseconds: milliseconds))
    }

    /// `facility` (default `AUTH`, any case) and `tag` (default `vault`; empty: the program's
    /// name, as Go's syslog package does).
    private static func syslog(_ options: [String: String], socketPaths: [String]) throws(CustosError) -> Kind {
        let name = (options["facility"] ?? "AUTH").uppercased()
        guard let facility = SyslogAuditDevice.facilities[name] else {
            throw .badRequest("invalid syslog facility: \(name)")
        }
        var tag = options["tag"] ?? "vault"
        if tag.isEmpty { tag = CommandLine.arguments.first ?? "custos" }
        return .syslog(.init(facility: facility, tag: tag, socketPaths: socketPaths))
    }

    /// `500ms` is shorter than a second: kept in milliseconds rather than rounded down to zero.
    private static func milliseconds(_ text: String) -> Int64? {
        guard text.hasSuffix("ms"), let value = Int64(text.dropLast(2)) else { return nil }
        return value
    }

    /// Go's `strconv.ParseBool`, which Vault uses for these options.
    private static func bool(_ options: [String: String], _ key: String, default fallback: Bool) throws(CustosError) -> Bool {
        guard let text = options[key], !text.isEmpty else { return fallback }
        switch text {
        case "1", "t", "T", "true", "TRUE", "True": return true
        case "0", "f", "F", "false", "FALSE", "False": return false
        default: throw .badRequest("unable to parse \"\(key)\": \"\(text)\" is not a boolean")
        }
    }
}
