import DatabasePluginKit
import Foundation
import Testing

/// The real plugin binary over the wire protocol: a whole credential life cycle.
@Suite struct WireLifecycleTests {
    @Test func fullLifecycleOverTheWire() async throws {
        let database = try TestDatabase.fromEnvironment()
        let admin = AdminSession(database)
        let plugin = try PluginProcess()

        let info = try await plugin.call(.info, EmptyResult())
        #expect(info.result?["name"] == .string("postgresql-database-plugin"))
        #expect(info.result?["protocolVersions"] == .array([.int(1)]))
        #expect(info.result?["maxUsernameLength"] == .int(63))

        let initialize = try await plugin.call(
            .initialize, InitializeRequest(connection: "wire", config: database.config(extra: ["note": "kept"]), verifyConnection: true))
        #expect(initialize.error == nil)
        #expect(initialize.result?["config"]?["note"] == .string("kept"))

        let user = uniqueName("v-wire")
        let password = "A1a-\(UUID().uuidString)"
        let created = try await plugin.call(.newUser, NewUserRequest(
            connection: "wire", username: user, password: password, expiration: Date().addingTimeInterval(3600),
            statements: creationStatements))
        #expect(created.result?["username"] == .string(user))
        #expect(try await runAs(database, user: user, password: password, "SELECT current_user") == [[user]])

        let renewed = try await plugin.call(.renewUser, RenewUserRequest(
            connection: "wire", username: user, expiration: Date().addingTimeInterval(7200)))
        #expect(renewed.result == .object([:]))

        // A malformed line gets a parse error and the plugin keeps serving.
        plugin.sendRaw("{not json")
        let parseError = try await plugin.nextResponse()
        #expect(parseError.error?.code == RPCErrorCode.parseError)

        let failed = try await plugin.call(.newUser, NewUserRequest(
            connection: "wire", username: uniqueName("v-bad"), password: "Secret-Pw-123", expiration: Date(),
            statements: ["SELECT no_such_function()"]))
        #expect(failed.error?.code == RPCErrorCode.applicationError)
        #expect(failed.error?.data?.kind == .database)
        #expect(failed.error?.message.contains("Secret-Pw-123") == false)

        let unknown = try await plugin.call(.renewUser, RenewUserRequest(connection: "nope", username: user, expiration: Date()))
        #expect(unknown.error?.data?.kind == .invalidRequest)

        let revoked = try await plugin.call(.revokeUser, RevokeUserRequest(connection: "wire", username: user))
        #expect(revoked.error == nil)
        #expect(try await !admin.roleExists(user))

        let closed = try await plugin.call(.close, CloseRequest(connection: "wire"))
        #expect(closed.error == nil)
        try plugin.closeInput()
        #expect(await plugin.exitStatus() == 0)
    }

    @Test func runByHandItExplainsItselfAndExits1() async throws {
        let plugin = try PluginProcess(environment: [:])
        try plugin.closeInput()
        #expect(await plugin.exitStatus() == 1)
        #expect(plugin.standardErrorText().contains("Custos"))
    }
}
