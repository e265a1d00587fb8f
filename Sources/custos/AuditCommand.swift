import ArgumentParser
import CustosJSON
import Foundation
import NIOHTTP1
import VaultAPI

/// `custos audit enable|disable|list`, with the output of `vault audit ...`.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Interact with audit devices: enable, disable, list.",
        subcommands: [AuditEnableCommand.self, AuditDisableCommand.self, AuditListCommand.self]
    )
}

/// `PUT /v1/sys/audit/:path`.
struct EnableAuditRequest: Encodable, Sendable {
    var type: String
    var description: String
    var options: [String: String]
    var local: Bool
}

extension AuditDeviceInfo {
    /// Field order of `vault audit list -format=json`.
    static let jsonKeyOrder = ["type", "description", "options", "local", "path"]
}

struct AuditEnableCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enable",
        abstract: "Enable an audit device: TYPE [K=V...], e.g. file file_path=/var/log/custos/audit.log."
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: [.customLong("path", withSingleDash: true), .customLong("path")],
            help: "Where to enable the device (default: its type).")
    var path: String?

    @Option(name: [.customLong("description", withSingleDash: true), .customLong("description")],
            help: "Human-friendly description of the device.")
    var description: String?

    @Flag(name: [.customLong("local", withSingleDash: true), .customLong("local")],
          help: "Mark the device local-only (not replicated).")
    var local = false

    @Argument(help: "The device type: file, socket or syslog.")
    var type: String?

    @Argument(help: "The device's options as K=V.")
    var options: [String] = []

    func run() async throws {
        guard let type, !type.isEmpty else {
            throw CommandFailure.local("Error enabling audit device: audit type missing. Valid types include 'file' and 'socket'.")
        }
        var values: [String: String] = [:]
        for (key, value) in try KeyValueArguments.parse(options) {
            guard case .string(let text) = value else {
                throw CommandFailure.usage("Failed to parse K=V data: option \"\(key)\" was given more than once")
            }
            values[key] = text
        }
        let mount = CLIPath.mount(path ?? type)
        let request = EnableAuditRequest(type: type, description: description ?? "", options: values, local: local)
        try await global.withClient { client, output in
            do {
                _ = try await client.send(.PUT, "sys/audit/\(CLIPath.sanitized(mount))", body: request)
            } catch {
                throw CommandFailure.request("Error enabling audit device", error)
            }
            output.success("Success! Enabled the \(type) audit device at: \(mount)")
        }
    }
}

struct AuditDisableCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "disable", abstract: "Disable the audit device at PATH.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The device's path, e.g. file/.")
    var path: String

    func run() async throws {
        let mount = CLIPath.mount(path)
        try await global.withClient { client, output in
            do {
                _ = try await client.send(.DELETE, "sys/audit/\(CLIPath.sanitized(mount))")
            } catch {
                throw CommandFailure.request("Error disabling audit device", error)
            }
            output.success("Success! Disabled audit device (if it was enabled) at: \(mount)")
        }
    }
}

struct AuditListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the enabled audit devices.")

    @OptionGroup var global: GlobalOptions

    @Flag(name: [.customLong("detailed", withSingleDash: true), .customLong("detailed")],
          help: "Show replication and options.")
    var detailed = false

    func run() async throws {
        try await global.withClient { client, output in
            let body: [String: JSONValue]
            do {
                body = try await client.decode([String: JSONValue].self, .GET, "sys/audit")
            } catch {
                throw CommandFailure.request("Error listing audits", error)
            }
            // Vault answers with the devices both at the top level and under `data`; prefer `data`.
            let raw = body["data"]?.objectValue ?? body.filter { $0.key.hasSuffix("/") }
            if output.format == .json {
                output.json(.object(raw), keyOrder: AuditDeviceInfo.jsonKeyOrder)
                return
            }
            guard !raw.isEmpty else {
                output.line("No audit devices are enabled.")
                throw CommandFailure(kind: .silent(2), message: "")
            }
            var devices: [(String, AuditDeviceInfo)] = []
            for path in raw.keys.sorted() {
                do {
                    let data = try JSONEncoder().encode(raw[path])
                    devices.append((path, try JSONDecoder().decode(AuditDeviceInfo.self, from: data)))
                } catch {
                    throw CommandFailure.local("Error listing audits: unexpected answer for \(path)")
                }
            }
            output.line(detailed ? Self.detailedTable(devices) : TableRendering.withHeader(
                ["Path", "Type", "Description"],
                devices.map { path, device in [path, device.type, device.description ?? ""] }))
        }
    }

    /// Columns of `vault audit list -detailed`.
    static func detailedTable(_ devices: [(String, AuditDeviceInfo)]) -> String {
        TableRendering.withHeader(
            ["Path", "Type", "Description", "Replication", "Options"],
            devices.map { path, device in
                let options = (device.options ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                return [path, device.type, device.description ?? "", (device.local ?? false) ? "local" : "replicated",
                        options.joined(separator: " ")]
            })
    }
}
