@testable import DatabasePluginKit
import Foundation
import Synchronization
import Testing

/// `serve`'s request handling in-process: error mapping, connection tracking, redaction.
@Suite struct RequestDispatchTests {
    /// An error whose text carries a secret, as a careless database driver might throw.
    struct LeakyDriverError: Error, CustomStringConvertible {
        var description: String { "could not connect to postgres://admin:Hunter2-Secret@db/prod" }
    }

    final class RecordingPlugin: DatabasePlugin {
        let calls = Mutex<[String]>([])
        var info: PluginInfo {
            PluginInfo(name: "recording", version: "0", defaultUsernameTemplate: "{{.RoleName}}", maxUsernameLength: 16)
        }

        func initialize(_ request: InitializeRequest) async throws -> InitializeResult {
            record("Initialize \(request.connection)")
            if request.config["fail"] != nil { throw PluginError(.connection, "cannot reach the database") }
            return InitializeResult(config: request.config)
        }

        func newUser(_ request: NewUserRequest) async throws -> NewUserResult {
            record("NewUser \(request.username)")
            if request.username == "leaky" { throw LeakyDriverError() }
            if request.username == "taken" { throw PluginError(.database, "role \"taken\" already exists") }
            return NewUserResult(username: request.username)
        }

        func renewUser(_ request: RenewUserRequest) async throws { record("RenewUser \(request.username)") }
        func revokeUser(_ request: RevokeUserRequest) async throws { record("RevokeUser \(request.username)") }
        func close(connection: String) async throws { record("Close \(connection)") }

        private func record(_ call: String) {
            calls.withLock { $0.append(call) }
        }
    }

    private let plugin = RecordingPlugin()
    private var server: PluginServer<RecordingPlugin> { PluginServer(plugin: plugin, outputFD: -1) }

    private func respond(_ server: PluginServer<RecordingPlugin>, _ json: String) async throws -> RPCResponse {
        let line = await server.response(to: Array(json.utf8))
        #expect(line.last == 0x0A)
        #expect(line.dropLast().contains(0x0A) == false)
        return try JSONDecoder().decode(RPCResponse.self, from: Data(line))
    }

    private func newUser(_ username: String, id: Int = 2) -> String {
        #"{"jsonrpc":"2.0","id":\#(id),"method":"NewUser","params":{"connection":"db1","username":"\#(username)","password":"Hunter2-Secret","expiration":"2026-11-21T06:00:00Z"}}"#
    }

    private let initializeDB1 = #"{"jsonrpc":"2.0","id":1,"method":"Initialize","params":{"connection":"db1","config":{},"verifyConnection":true}}"#

    @Test func errorsOtherThanPluginErrorBecomeGenericInternalErrors() async throws {
        let server = self.server
        _ = try await respond(server, initializeDB1)
        let response = try await respond(server, newUser("leaky"))
        let error = try #require(response.error)
        #expect(error.kind == .internal)
        #expect(error.code == RPCErrorCode.applicationError)
        #expect(!error.message.contains("Hunter2"))
        #expect(!error.message.contains("postgres://"))
    }

    @Test func pluginErrorsKeepTheirKindAndMessage() async throws {
        let server = self.server
        _ = try await respond(server, initializeDB1)
        let response = try await respond(server, newUser("taken", id: 7))
        #expect(response.id == 7)
        #expect(response.error?.code == RPCErrorCode.applicationError)
        #expect(response.error?.kind == .database)
        #expect(response.error?.message == "role \"taken\" already exists")
    }

    @Test func unimplementedOptionalMethodsAreUnsupported() async throws {
        let server = self.server
        _ = try await respond(server, initializeDB1)
        let response = try await respond(
            server, #"{"jsonrpc":"2.0","id":3,"method":"RotateRoot","params":{"connection":"db1","newPassword":"x","statements":[]}}"#)
        #expect(response.error?.kind == .unsupported)
    }

    @Test func callsOnConnectionsNeverInitializedDoNotReachThePlugin() async throws {
        let response = try await respond(server, newUser("alice"))
        #expect(response.error?.kind == .invalidRequest)
        #expect(response.error?.message == "connection db1 is not initialized")
        #expect(plugin.calls.withLock { $0 }.isEmpty)
    }

    @Test func failedInitializeLeavesTheConnectionUnknown() async throws {
        let server = self.server
        let failed = try await respond(
            server, #"{"jsonrpc":"2.0","id":1,"method":"Initialize","params":{"connection":"db1","config":{"fail":true},"verifyConnection":true}}"#)
        #expect(failed.error?.kind == .connection)
        #expect(try await respond(server, newUser("alice")).error?.kind == .invalidRequest)
    }

    @Test func closeForgetsTheConnection() async throws {
        let server = self.server
        _ = try await respond(server, initializeDB1)
        #expect(try await respond(server, newUser("alice")).result?["username"] == "alice")
        let closed = try await respond(server, #"{"jsonrpc":"2.0","id":3,"method":"Close","params":{"connection":"db1"}}"#)
        #expect(closed.result == .object([:]))
        #expect(try await respond(server, newUser("bob")).error?.kind == .invalidRequest)
        #expect(plugin.calls.withLock { $0 } == ["Initialize db1", "NewUser alice", "Close db1"])
    }

    @Test func requestsWithoutIntegerIdOrMethodAreInvalidRequests() async throws {
        let server = self.server
        let stringID = try await respond(server, #"{"jsonrpc":"2.0","id":"7","method":"Info"}"#)
        #expect(stringID.id == nil)
        #expect(stringID.error?.code == RPCErrorCode.invalidRequest)
        let noMethod = try await respond(server, #"{"jsonrpc":"2.0","id":7}"#)
        #expect(noMethod.id == 7)
        #expect(noMethod.error?.code == RPCErrorCode.invalidRequest)
        let wrongVersion = try await respond(server, #"{"jsonrpc":"1.0","id":8,"method":"Info"}"#)
        #expect(wrongVersion.error?.code == RPCErrorCode.invalidRequest)
    }

    @Test func invalidParamsNameTheFieldNotTheValue() async throws {
        let server = self.server
        _ = try await respond(server, initializeDB1)
        let response = try await respond(
            server, #"{"jsonrpc":"2.0","id":4,"method":"RenewUser","params":{"connection":"db1","username":"u","expiration":"Hunter2-Secret"}}"#)
        #expect(response.error?.code == RPCErrorCode.invalidParams)
        #expect(response.error?.message == "invalid params: invalid value for params.expiration")
    }

    @Test func infoNeedsNoParams() async throws {
        let response = try await respond(server, #"{"jsonrpc":"2.0","id":5,"method":"Info"}"#)
        #expect(response.result?["name"] == "recording")
        #expect(response.result?["protocolVersions"] == [1])
    }
}
