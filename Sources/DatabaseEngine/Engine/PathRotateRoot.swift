import CustosCore
import DatabasePluginProtocol
import Foundation
import Logging
import PluginHost

/// `rotate-root/<name>`: Custos sets a new password, made by the core, for the connection's own
/// user; afterwards no person knows it. Crash-safe: the new password is written ahead (encrypted)
/// before the database changes, and a rotation interrupted at any point is settled (the stored
/// password or the new one, whichever the database accepts) before the connection is used again.
extension DatabaseEngine {
    static let rotationRecord = "rotate-root"

    struct PendingRotation: Codable {
        var newPassword: String
    }

    var rotateRootPaths: [EnginePath] {
        [
            EnginePath("rotate-root/{name}", help: "Rotate the connection's root credentials.", operations: [
                .update: { _, match in
                    try await rotateRoot(try Self.requireName(match["name"], "connection name"))
                    return .noContent
                },
            ]),
        ]
    }

    func rotateRoot(_ name: String) async throws {
        guard var config = try await connection(name) else {
            throw CustosError.badRequest("unable to rotate root credentials: connection \"\(name)\" does not exist")
        }
        guard case .string(let username)? = config.details["username"], !username.isEmpty else {
            throw CustosError.badRequest(
                "unable to rotate root credentials: no username in configuration; write the connection with username and password and a connection_url using {{username}} and {{password}}")
        }
        guard case .string(let password)? = config.details["password"], !password.isEmpty else {
            throw CustosError.badRequest(
                "unable to rotate root credentials: no password in configuration; write the connection with username and password and a connection_url using {{username}} and {{password}}")
        }
        if config.hasLiteralPasswordInURL {
            throw CustosError.badRequest(
                "unable to rotate root credentials: connection_url holds a literal password; use {{username}} and {{password}} in it instead")
        }
        try await settleRotation(name)
        let newPassword = try await credentials.password(policy: config.passwordPolicy)
        try await writeAhead.begin(Self.rotationRecord, subject: name, PendingRotation(newPassword: newPassword))
        let client = try await connections.ready(name, config: config)
        let result: RotateRootResult
        do {
            result = try await client.rotateRoot(RotateRootRequest(
                connection: connections.connectionID(name), newPassword: newPassword, statements: config.rootRotationStatements))
        } catch {
            // The database may or may not have taken the new password: find out now.
            try? await settleRotation(name)
            throw DatabaseEngineError.api(error, doing: "failed to rotate root credentials")
        }
        config.details = result.config.isEmpty ? config.details.merging(["password": .string(newPassword)]) { $1 }
            : result.config
        try await save(config, name: name)
        try await writeAhead.end(Self.rotationRecord, subject: name)
    }

    /// A rotation left pending (crash, failed call): keep whichever password the database
    /// accepts. Neither working leaves the record for the next attempt.
    func settleRotation(_ name: String) async throws {
        guard let pending = try await writeAhead.pending(Self.rotationRecord, subject: name, as: PendingRotation.self) else { return }
        guard var config = try await connection(name) else {
            try await writeAhead.end(Self.rotationRecord, subject: name)
            return
        }
        await connections.close(name)
        if (try? await connections.initialize(name, config: config, details: config.details, verify: true)) != nil {
            try await writeAhead.end(Self.rotationRecord, subject: name)
            return
        }
        var rotated = config.details
        rotated["password"] = .string(pending.newPassword)
        do {
            config.details = try await connections.initialize(name, config: config, details: rotated, verify: true)
        } catch {
            context.logger.warning("a root rotation is unsettled: neither password connects", metadata: ["connection": "\(name)"])
            throw DatabaseEngineError.api(error, doing: "a previous root rotation of \"\(name)\" is unsettled")
        }
        try await save(config, name: name)
        try await writeAhead.end(Self.rotationRecord, subject: name)
    }
}
