import DatabasePluginKit
import Foundation
import Testing

/// The wire protocol against real plugin processes: the Swift noop plugin (exercising
/// `serve`) and the Python example, which must behave the same.
// The limit catches a hung plugin; a starved test process can take minutes to run a Python one.
@Suite(.timeLimit(.minutes(5)))
struct ServeEndToEndTests {
    private static let expiration = "2026-11-21T06:00:00Z"

    private func start(_ plugin: PluginUnderTest) throws -> ChildPlugin {
        try ChildPlugin(try plugin.command())
    }

    private func initialize(_ child: ChildPlugin, _ plugin: PluginUnderTest, in directory: URL, id: Int = 1) async throws {
        let response = try await child.call(
            id: id, method: "Initialize",
            params: ["connection": "db1", "config": plugin.config(in: directory), "verifyConnection": true])
        #expect(response.error == nil)
        #expect(response.result?["config"] == plugin.config(in: directory))
    }

    @Test(arguments: PluginUnderTest.available)
    func infoHandshake(_ plugin: PluginUnderTest) async throws {
        let child = try start(plugin)
        let response = try await child.call(id: 1, method: "Info")
        let result = try #require(response.result)
        let info = try JSONDecoder().decode(PluginInfo.self, from: try JSONEncoder().encode(result))
        #expect(info.protocolVersions.contains(pluginProtocolVersion))
        #expect(!info.name.isEmpty)
        #expect(info.maxUsernameLength > 0)
        try child.closeInput()
        #expect(await child.exitStatus() == 0)
    }

    @Test(arguments: PluginUnderTest.available)
    func malformedLineIsAnsweredAndServingGoesOn(_ plugin: PluginUnderTest) async throws {
        let child = try start(plugin)
        try child.send(#"{"jsonrpc":"2.0","id":1,"method":"#)
        let parseError = try await child.nextResponse()
        #expect(parseError.id == nil)
        #expect(parseError.error?.code == RPCErrorCode.parseError)
        try child.send("[1,2]")
        let notAnObject = try await child.nextResponse()
        #expect(notAnObject.id == nil)
        #expect(notAnObject.error?.code == RPCErrorCode.invalidRequest)
        #expect(try await child.call(id: 2, method: "Info").result != nil)
        try child.closeInput()
        #expect(await child.exitStatus() == 0)
    }

    @Test(arguments: PluginUnderTest.available)
    func oversizedMessageIsRefusedAndServingGoesOn(_ plugin: PluginUnderTest) async throws {
        let child = try start(plugin)
        let padding = String(repeating: "x", count: pluginMaxMessageBytes)
        try child.send(#"{"jsonrpc":"2.0","id":1,"method":"Info","params":{"padding":"\#(padding)"}}"#)
        let refused = try await child.nextResponse()
        #expect(refused.id == nil)
        #expect(refused.error?.code == RPCErrorCode.invalidRequest)
        #expect(try await child.call(id: 2, method: "Info").result != nil)
        try child.closeInput()
        #expect(await child.exitStatus() == 0)
    }

    @Test(arguments: PluginUnderTest.available)
    func unknownMethodIsMethodNotFound(_ plugin: PluginUnderTest) async throws {
        let child = try start(plugin)
        let response = try await child.call(id: 9, method: "DropDatabase")
        #expect(response.error?.code == RPCErrorCode.methodNotFound)
        #expect(response.error?.kind == .unsupported)
        try child.closeInput()
        #expect(await child.exitStatus() == 0)
    }

    @Test(arguments: PluginUnderTest.available)
    func callsOnUnknownConnectionsAndBadParamsAreInvalidRequests(_ plugin: PluginUnderTest) async throws {
        let child = try start(plugin)
        let unknown = try await child.call(
            id: 1, method: "RenewUser", params: ["connection": "nope", "username": "u", "expiration": .string(Self.expiration)])
        #expect(unknown.error?.code == RPCErrorCode.applicationError)
        #expect(unknown.error?.kind == .invalidRequest)
        #expect(unknown.error?.message == "connection nope is not initialized")
        let badParams = try await child.call(id: 2, method: "Initialize", params: ["config": [:]])
        #expect(badParams.error?.code == RPCErrorCode.invalidParams)
        #expect(badParams.error?.kind == .invalidRequest)
        try child.closeInput()
        #expect(await child.exitStatus() == 0)
    }

    @Test(arguments: PluginUnderTest.available)
    func concurrentCallsAreEachAnsweredOnceWithTheirId(_ plugin: PluginUnderTest) async throws {
        let directory = try TemporaryDirectory()
        let child = try start(plugin)
        try await initialize(child, plugin, in: directory.url)
        let ids = Array(100..<300)
        var batch = ""
        for id in ids {
            let request = RPCRequest(id: id, method: .newUser, params: [
                "connection": "db1", "username": .string("user-\(id)"), "password": .string("pw-\(id)-A1a"),
                "expiration": .string(Self.expiration), "statements": [], "rollbackStatements": [],
            ])
            batch += String(decoding: try JSONEncoder().encode(request), as: UTF8.self) + "\n"
        }
        try child.send(String(batch.dropLast()))  // all 200 in one write: all in flight at once
        var answered: [Int: String] = [:]
        for _ in ids {
            let response = try await child.nextResponse()
            let id = try #require(response.id)
            #expect(answered[id] == nil, "id \(id) answered twice")
            #expect(response.error == nil)
            answered[id] = response.result?["username"]?.stringValue
        }
        #expect(answered.count == ids.count)
        for id in ids {
            #expect(answered[id] == "user-\(id)")
        }
        try child.closeInput()
        #expect(await child.nextLine() == nil)
        #expect(await child.exitStatus() == 0)
    }

    @Test(arguments: PluginUnderTest.available)
    func userLifeCycle(_ plugin: PluginUnderTest) async throws {
        let directory = try TemporaryDirectory()
        let child = try start(plugin)
        try await initialize(child, plugin, in: directory.url)
        let user: JSONValue = "v-token-ro-abc123"
        let created = try await child.call(id: 2, method: "NewUser", params: [
            "connection": "db1", "username": user, "password": "Pw-1-secret", "expiration": .string(Self.expiration),
            "statements": [], "rollbackStatements": [],
        ])
        #expect(created.result?["username"] == user)
        let renewed = try await child.call(id: 3, method: "RenewUser", params: [
            "connection": "db1", "username": user, "expiration": "2026-11-22T06:00:00Z", "statements": [],
        ])
        #expect(renewed.result == .object([:]))
        let credentials = try await child.call(id: 4, method: "SetCredentials", params: [
            "connection": "db1", "username": user, "password": "Pw-2-secret", "statements": [],
        ])
        #expect(credentials.result == .object([:]))
        let rotated = try await child.call(id: 5, method: "RotateRoot", params: [
            "connection": "db1", "newPassword": "Root-pw-2", "statements": [],
        ])
        #expect(rotated.result?["config"]?["password"] == "Root-pw-2")
        for id in [6, 7] {  // revoking twice: the second finds no user and still succeeds
            let revoked = try await child.call(id: id, method: "RevokeUser", params: [
                "connection": "db1", "username": user, "statements": [],
            ])
            #expect(revoked.result == .object([:]))
        }
        let closed = try await child.call(id: 8, method: "Close", params: ["connection": "db1"])
        #expect(closed.result == .object([:]))
        let afterClose = try await child.call(id: 9, method: "RevokeUser", params: ["connection": "db1", "username": user])
        #expect(afterClose.error?.kind == .invalidRequest)
        try child.closeInput()
        #expect(await child.exitStatus() == 0)
    }

    @Test(arguments: PluginUnderTest.available)
    func stdinCloseWithCallsInFlightAnswersThemAndExitsZero(_ plugin: PluginUnderTest) async throws {
        let child = try start(plugin)
        try child.send(#"{"jsonrpc":"2.0","id":1,"method":"Info","params":{}}"#)
        try child.send(#"{"jsonrpc":"2.0","id":2,"method":"Info","params":{}}"#)
        try child.closeInput()
        var ids: Set<Int?> = []
        while let line = await child.nextLine() {
            ids.insert(try JSONDecoder().decode(RPCResponse.self, from: Data(line.utf8)).id)
        }
        #expect(ids == [1, 2])
        #expect(await child.exitStatus() == 0)
    }

    @Test(arguments: PluginUnderTest.available)
    func withoutTheEnvironmentMarkerItPrintsANoticeAndExitsOne(_ plugin: PluginUnderTest) async throws {
        let child = try ChildPlugin(try plugin.command(), protocolMarker: nil)
        #expect(await child.exitStatus() == 1)
        #expect(await child.stderrText().contains("is a Custos database plugin"))
        #expect(await child.nextLine() == nil)  // nothing on stdout
    }

    @Test(arguments: PluginUnderTest.available)
    func errorsNeverEchoThePassword(_ plugin: PluginUnderTest) async throws {
        let directory = try TemporaryDirectory()
        let child = try start(plugin)
        try await initialize(child, plugin, in: directory.url)
        let password = "Very-Secret-pw-77"
        // No expiration: invalid params, whose message names the field, never a value.
        let response = try await child.call(id: 2, method: "NewUser", params: [
            "connection": "db1", "username": "u", "password": .string(password),
        ])
        let error = try #require(response.error)
        #expect(error.code == RPCErrorCode.invalidParams)
        #expect(error.message.contains("expiration"))
        #expect(!error.message.contains(password))
        try child.closeInput()
        #expect(await child.exitStatus() == 0)
        #expect(!(await child.stderrText().contains(password)))
    }
}
