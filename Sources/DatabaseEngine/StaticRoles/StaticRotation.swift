import CustosCore
import DatabasePluginProtocol
import Foundation
import Logging
import PluginHost

/// Rotating a static role's password, crash-safe. Order: a new password from the connection's
/// policy; a write-ahead record holding it; `SetCredentials`; the role stored with it; the record
/// removed. A record still there later (crash, a call that failed in a way that leaves the
/// database's state unknown) means the stored password may not be the database's: the role is
/// rotated again, with a fresh password, before it is used — Custos cannot ask the database
/// which password it has, and setting a new one makes both agree whatever happened.
extension DatabaseEngine {
    static let staticRotationRecord = "static-rotation"

    /// Rotates now under the role's lock; a failure is recorded on the role (`last_error`,
    /// retried with back-off) and thrown.
    func rotateStaticRole(_ name: String) async throws {
        try await staticRoles.locks.withLock(name) {
            guard var role = try await staticRole(name) else {
                throw CustosError.badRequest("no static role found for role name")
            }
            try await rotateLocked(name, &role)
        }
    }

    /// Before `static-creds` hands the password out: settle a pending rotation first.
    func settledStaticRole(_ name: String) async throws -> StaticRole? {
        try await staticRoles.locks.withLock(name) {
            guard var role = try await staticRole(name) else { return nil }
            if try await writeAhead.pending(Self.staticRotationRecord, subject: name, as: PendingStaticRotation.self) != nil {
                try await rotateLocked(name, &role)
            }
            return role
        }
    }

    /// The rotation proper; the caller holds the role's lock.
    func rotateLocked(_ name: String, _ role: inout StaticRole) async throws {
        do {
            let password = try await setNewPassword(name, role)
            role.rotated(to: password, at: context.clock.now)
            try await saveStaticRole(role, name: name)
            try await writeAhead.end(Self.staticRotationRecord, subject: name)
        } catch {
            let failure = DatabaseEngineError.api(error, doing: "error setting credentials")
            role.failed(failure.messages.joined(separator: "; "), at: context.clock.now)
            context.logger.warning("static role rotation failed", metadata: [
                "role": "\(name)", "failures": "\(role.failures)", "error": "\(role.lastError ?? "")",
            ])
            try? await saveStaticRole(role, name: name)
            await staticRoles.scheduler.update(name, role.timer)
            throw CustosError(.internal,
                "unable to finish rotating credentials; retries will continue in the background but it is also safe to retry manually: \(role.lastError ?? "")")
        }
        await staticRoles.scheduler.update(name, role.timer)
    }

    /// Sets a new password in the database, write-ahead. On a failure that certainly left the
    /// database unchanged (the plugin reports the database refused the statements, run in one
    /// transaction) the record is removed; otherwise it stays for settling.
    func setNewPassword(_ name: String, _ role: StaticRole) async throws -> String {
        guard let config = try await connection(role.dbName) else {
            throw CustosError.badRequest("could not find database connection \"\(role.dbName)\" for static role \"\(name)\"")
        }
        guard config.allows(role: name) else {
            throw CustosError.badRequest("\"\(name)\" is not an allowed role")
        }
        try await settleRotation(role.dbName)
        let password = try await credentials.password(policy: config.passwordPolicy)
        try await writeAhead.begin(Self.staticRotationRecord, subject: name, PendingStaticRotation(password: password))
        do {
            let client = try await connections.ready(role.dbName, config: config)
            try await client.setCredentials(SetCredentialsRequest(
                connection: connections.connectionID(role.dbName), username: role.username, password: password,
                statements: role.rotationStatements))
        } catch {
            if Self.leftDatabaseUnchanged(error) {
                try? await writeAhead.end(Self.staticRotationRecord, subject: name)
            }
            throw error
        }
        return password
    }

    /// A plugin's own refusal (bad request, the database rejected the statements, unsupported)
    /// happens before or inside the transaction, which then rolls back. A lost connection, a
    /// deadline or a crashed plugin leave it unknown whether the database committed.
    static func leftDatabaseUnchanged(_ error: any Error) -> Bool {
        if error is CustosError { return true }
        guard let host = error as? PluginHostError, let remote = host.remote else { return false }
        return [.invalidRequest, .database, .unsupported].contains(remote.kind)
    }

    func staticRole(_ name: String) async throws -> StaticRole? {
        guard let data = try await storage.get(StaticRole.storageKey(name)) else { return nil }
        return try JSONDecoder().decode(StaticRole.self, from: data)
    }

    func saveStaticRole(_ role: StaticRole, name: String) async throws {
        try await storage.put(StaticRole.storageKey(name), try JSONEncoder().encode(role))
    }
}

/// The scheduler's view of the engine.
extension DatabaseEngine: StaticRotationPerformer {
    func rotationTimers() async throws -> [String: StaticRotationQueue.Timer] {
        let names = try await storage.list(prefix: StaticRole.storagePrefix).filter { !$0.hasSuffix("/") }
        var timers: [String: StaticRotationQueue.Timer] = [:]
        for name in names {
            guard let role = try await staticRole(name) else { continue }
            timers[name] = role.timer
        }
        for name in try await writeAhead.subjects(Self.staticRotationRecord) {
            if timers[name] != nil {
                // Unsettled: rotate as soon as the scheduler runs.
                timers[name]?.retryAt = .distantPast
            } else {
                // A creation that never stored its role: nobody knows that password anyway.
                try? await writeAhead.end(Self.staticRotationRecord, subject: name)
            }
        }
        return timers
    }

    func rotateOnSchedule(_ name: String) async {
        // Failures are recorded on the role and rescheduled by `rotateLocked`.
        try? await rotateStaticRole(name)
    }
}
