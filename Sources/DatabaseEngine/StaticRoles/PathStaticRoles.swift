import CustosCore
import Foundation

/// `static-roles/<name>` (create, update, read, delete) and LIST `static-roles/`: one existing
/// database user whose password Custos rotates on a period, a cron schedule, or on request.
extension DatabaseEngine {
    struct StaticRoleParameters: Decodable {
        var dbName: String?
        var username: String?
        var rotationPeriod: VaultDuration?
        var rotationSchedule: String?
        var rotationWindow: VaultDuration?
        var rotationStatements: StatementList?
        var credentialType: String?
        var skipImportRotation: VaultBool?
    }

    var staticRolePaths: [EnginePath] {
        [
            EnginePath("static-roles/", help: "List the static roles.", operations: [
                .list: { _, _ in try await names(under: StaticRole.storagePrefix) },
            ]),
            EnginePath(
                "static-roles/{name}", help: "Manage a role whose existing database user's password Custos rotates.",
                operations: [
                    .read: { _, match in
                        guard let role = try await staticRole(try Self.requireName(match["name"], "role name")) else {
                            throw CustosError(.notFound, messages: [])
                        }
                        return LogicalResponse(data: StaticRoleShown(role, now: context.clock.now))
                    },
                    .update: EnginePath.typed(StaticRoleParameters.self) { _, match, parameters in
                        try await writeStaticRole(try Self.requireName(match["name"], "role name"), parameters)
                    },
                    .delete: { _, match in
                        try await deleteStaticRole(try Self.requireName(match["name"], "role name"))
                    },
                ],
                exists: { _, match in try await staticRole(match["name"]) != nil }),
        ]
    }

    func writeStaticRole(_ name: String, _ parameters: StaticRoleParameters) async throws -> LogicalResponse {
        try await staticRoles.locks.withLock(name) {
            if try await role(name) != nil {
                throw CustosError.badRequest("Role and Static Role names must be unique")
            }
            let existing = try await staticRole(name)
            var role = try Self.applying(parameters, to: existing)
            guard let config = try await connection(role.dbName) else {
                throw CustosError.badRequest("could not find database connection \"\(role.dbName)\" for static role \"\(name)\"")
            }
            guard config.allows(role: name) else { throw CustosError.badRequest("\"\(name)\" is not an allowed role") }
            let now = context.clock.now
            guard existing == nil else {
                // Vault reschedules from the last rotation when the plan changes; no rotation now.
                if role.plan != existing?.plan {
                    role.nextVaultRotation = StaticRotationQueue.nextSlot(role.plan, after: role.lastVaultRotation ?? now)
                }
                try await saveStaticRole(role, name: name)
                await staticRoles.scheduler.update(name, role.timer)
                return .noContent
            }
            if role.skipImportRotation {
                // The current password stays the one only its owner knows until the first rotation.
                role.nextVaultRotation = StaticRotationQueue.nextSlot(role.plan, after: now)
            } else {
                // Rotate at creation so that no person knows the password; a failure stores nothing.
                do {
                    role.rotated(to: try await setNewPassword(name, role), at: now)
                } catch {
                    try? await writeAhead.end(Self.staticRotationRecord, subject: name)
                    throw DatabaseEngineError.api(error, doing: "error setting credentials")
                }
            }
            try await saveStaticRole(role, name: name)
            try await writeAhead.end(Self.staticRotationRecord, subject: name)
            await staticRoles.scheduler.update(name, role.timer)
            return .noContent
        }
    }

    /// The role after a write, validated with Vault's rules and messages.
    static func applying(_ parameters: StaticRoleParameters, to existing: StaticRole?) throws -> StaticRole {
        let dbName = parameters.dbName.flatMap { $0.isEmpty ? nil : $0 } ?? existing?.dbName ?? ""
        guard !dbName.isEmpty else { throw CustosError.badRequest("database name is a required field") }
        let username = parameters.username.flatMap { $0.isEmpty ? nil : $0 } ?? existing?.username ?? ""
        guard !username.isEmpty else {
            throw CustosError.badRequest("username is a required field to create a static account")
        }
        if let existing, existing.username != username {
            throw CustosError.badRequest("cannot update static account username")
        }
        var role = existing ?? StaticRole(dbName: dbName, username: username)
        role.dbName = dbName
        try applyRotationFields(parameters, to: &role, creating: existing == nil)
        if let list = parameters.rotationStatements { role.rotationStatements = list.statements }
        if let type = parameters.credentialType, !type.isEmpty {
            guard type == "password" else {
                throw CustosError.badRequest("credential_type \"\(type)\" is not supported: Custos issues password credentials")
            }
            role.credentialType = type
        }
        if existing == nil { role.skipImportRotation = parameters.skipImportRotation?.value ?? false }
        return role
    }

    /// `rotation_period` 0 (with no schedule) is manual rotation only, a Custos addition; every
    /// other combination follows Vault (`RotationRules`).
    static func applyRotationFields(_ parameters: StaticRoleParameters, to role: inout StaticRole, creating: Bool) throws {
        let schedule = parameters.rotationSchedule.flatMap { $0.isEmpty ? nil : $0 }
        if parameters.rotationPeriod?.seconds == 0, schedule == nil {
            guard parameters.rotationWindow == nil else {
                throw CustosError.badRequest("rotation_window is invalid with use of rotation_period")
            }
            role.rotationPeriod = 0
            role.rotationSchedule = ""
            role.rotationWindow = 0
            return
        }
        let fields = RotationFields(
            period: parameters.rotationPeriod?.seconds, schedule: parameters.rotationSchedule,
            window: parameters.rotationWindow?.seconds)
        let plan: RotationPlan?
        do {
            plan = try RotationRules.validate(fields, creating: creating)
        } catch {
            throw CustosError.badRequest(error.message)
        }
        switch plan {
        case .period(let seconds)?:
            role.rotationPeriod = seconds
            role.rotationSchedule = ""
            role.rotationWindow = 0
        case .schedule(let cron, let window)?:
            role.rotationPeriod = 0
            role.rotationSchedule = cron.text
            // Vault keeps the old window when a new schedule comes without one.
            if let window { role.rotationWindow = window }
        case nil:
            break
        }
    }

    /// Vault leaves the database user as it is: only Custos forgets the password.
    func deleteStaticRole(_ name: String) async throws -> LogicalResponse {
        try await staticRoles.locks.withLock(name) {
            try await storage.delete(StaticRole.storageKey(name))
            try await writeAhead.end(Self.staticRotationRecord, subject: name)
            await staticRoles.scheduler.update(name, nil)
            return .noContent
        }
    }
}
