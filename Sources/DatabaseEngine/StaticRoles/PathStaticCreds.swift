import CustosCore
import Foundation

/// `static-creds/<name>` (read): the static role's current password, without a lease (as in
/// Vault: the password lives until the next rotation, `ttl` seconds from now).
/// `rotate-role/<name>` (update): rotate now.
extension DatabaseEngine {
    var staticCredsPaths: [EnginePath] {
        [
            EnginePath("static-creds/{name}", help: "Read a static role's current credentials.", operations: [
                .read: { _, match in try await staticCreds(try Self.requireName(match["name"], "role name")) },
            ]),
            EnginePath("rotate-role/{name}", help: "Rotate a static role's password now.", operations: [
                .update: { _, match in
                    let name = try Self.requireName(match["name"], "role name")
                    guard try await staticRole(name) != nil else {
                        throw CustosError.badRequest("no static role found for role name")
                    }
                    try await rotateStaticRole(name)
                    return .noContent
                },
            ]),
        ]
    }

    func staticCreds(_ name: String) async throws -> LogicalResponse {
        guard let role = try await settledStaticRole(name) else {
            throw CustosError.badRequest("unknown role: \(name)")
        }
        guard let config = try await connection(role.dbName) else {
            throw CustosError.badRequest("could not find database connection \"\(role.dbName)\" for static role \"\(name)\"")
        }
        guard config.allows(role: name) else { throw CustosError.badRequest("\"\(name)\" is not an allowed role") }
        // Vault answers with whatever password it was given (none, or the role's `password`
        // field) before its first rotation; Custos holds none until it sets one.
        guard let password = role.password else {
            throw CustosError.badRequest(
                "static role \"\(name)\" was created with skip_import_rotation and has not been rotated yet: no password is known; rotate it with rotate-role/\(name)")
        }
        return LogicalResponse(data: StaticCredsShown(role, password: password, now: context.clock.now))
    }
}

/// `static-creds/<name>`, in Vault's field names.
struct StaticCredsShown: Encodable, Sendable {
    var username: String
    var password: String
    var last_vault_rotation: String?
    var rotation_period: Int64?
    var rotation_schedule: String?
    var rotation_window: Int64?
    /// Seconds until the next rotation (0 when none is scheduled or it is under way).
    var ttl: Int64

    init(_ role: StaticRole, password: String, now: Date) {
        username = role.username
        self.password = password
        last_vault_rotation = role.lastVaultRotation.map(TimestampFormat.milliseconds)
        if role.rotationSchedule.isEmpty {
            rotation_period = role.rotationPeriod
        } else {
            rotation_schedule = role.rotationSchedule
            rotation_window = role.rotationWindow > 0 ? role.rotationWindow : nil
        }
        let due = StaticRotationQueue.dueTime(role.timer, now: now)
        let seconds = due.map { $0.timeIntervalSince(now).rounded() } ?? 0
        ttl = seconds.isFinite ? Int64(max(0, min(seconds, Double(Int32.max)))) : 0
    }
}

/// `static-roles/<name>`, in Vault's field names; `last_error` is a Custos addition.
struct StaticRoleShown: Encodable, Sendable {
    var db_name: String
    var username: String
    var rotation_statements: [String]
    var credential_type: String
    var skip_import_rotation: Bool
    var rotation_period: Int64?
    var rotation_schedule: String?
    var rotation_window: Int64?
    var last_vault_rotation: String?
    var next_vault_rotation: String?
    var last_error: String?

    init(_ role: StaticRole, now: Date) {
        db_name = role.dbName
        username = role.username
        rotation_statements = role.rotationStatements
        credential_type = role.credentialType
        skip_import_rotation = role.skipImportRotation
        if role.rotationSchedule.isEmpty {
            rotation_period = role.rotationPeriod
        } else {
            rotation_schedule = role.rotationSchedule
            rotation_window = role.rotationWindow
        }
        last_vault_rotation = role.lastVaultRotation.map(TimestampFormat.milliseconds)
        next_vault_rotation = StaticRotationQueue.dueTime(role.timer, now: now)
            .flatMap { $0 == .distantFuture ? nil : TimestampFormat.milliseconds($0) }
        last_error = role.lastError
    }
}
