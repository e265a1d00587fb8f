import DatabasePluginProtocol
import Foundation

/// The test plugin's request handling. Normal calls are answered inline on the reader thread (fast:
/// it doubles as the benchmark's no-op plugin); the misbehaviours are chosen per call by the
/// NewUser `username` (see main.swift) and per process by environment variables.
final class TestPluginServer: @unchecked Sendable {
    let output = OutputWriter()
    private let lock = NSLock()
    /// Per connection: its config and how many times this process initialised it.
    private var connections: [String: (config: PluginConfig, initializations: Int, verified: Bool)] = [:]
    private let delayed = DispatchGroup()
    private let decoder = JSONDecoder()
    private let encoder = JSONEncoder()
    let protocolVersions: [Int]
    let startupDescriptors: [Int32]

    init(protocolVersions: [Int], startupDescriptors: [Int32]) {
        self.protocolVersions = protocolVersions
        self.startupDescriptors = startupDescriptors
    }

    func handle(line: [UInt8]) {
        guard let request = try? decoder.decode(TestPluginRequest.self, from: Data(line)) else {
            respond(
                id: nil,
                failure: TestPluginFailure(
                    code: RPCErrorCode.parseError, kind: .invalidRequest, message: "parse error"))
            return
        }
        guard request.jsonrpc == "2.0", let id = request.id, let method = request.method else {
            respond(
                id: request.id,
                failure: TestPluginFailure(
                    code: RPCErrorCode.invalidRequest, kind: .invalidRequest, message: "invalid request"))
            return
        }
        let params = request.params ?? TestPluginParams()
        if method == PluginMethod.newUser.rawValue, let username = params.username,
            handleMisbehaviour(id: id, username: username)
        {
            return
        }
        do {
            respond(id: id, result: try dispatch(method: method, params: params))
        } catch let failure as TestPluginFailure {
            respond(id: id, failure: failure)
        } catch {
            respond(
                id: id,
                failure: TestPluginFailure(
                    code: RPCErrorCode.applicationError, kind: .internal, message: "internal error"))
        }
    }

    /// Waits (bounded) for delayed answers still pending: the EOF contract.
    func finishInFlight() {
        _ = delayed.wait(timeout: .now() + 3)
    }

    private func dispatch(method: String, params: TestPluginParams) throws -> [UInt8] {
        switch PluginMethod(rawValue: method) {
        case .info:
            let info = PluginInfo(
                name: "custos-test-plugin", version: "1.0.0", protocolVersions: protocolVersions,
                defaultUsernameTemplate: "v-{{.RoleName}}-{{random 8}}", maxUsernameLength: 63)
            return try Array(encoder.encode(info))
        case .initialize:
            let connection = try require(params.connection, "connection")
            let config = try require(params.config, "config")
            let verify = params.verifyConnection ?? true
            if config["fail_initialize"]?.boolValue == true || (verify && config["unreachable"]?.boolValue == true) {
                throw TestPluginFailure(
                    code: RPCErrorCode.applicationError, kind: .connection, message: "cannot reach the test database")
            }
            lock.withLock {
                let count = (connections[connection]?.initializations ?? 0) + 1
                connections[connection] = (config, count, verify)
            }
            return try Array(encoder.encode(InitializeResult(config: config)))
        case .newUser:
            let connection = try initializedConnection(params)
            let username = try require(params.username, "username")
            _ = try require(params.password, "password")
            _ = try require(params.expiration, "expiration")
            if username == "stats" {
                // Reports how often this process initialised the connection (restart tests).
                let known = lock.withLock { connections[connection] }
                let report = "inits=\(known?.initializations ?? 0) verified=\(known?.verified ?? false) pid=\(getpid())"
                return try Array(encoder.encode(NewUserResult(username: report)))
            }
            return try Array(encoder.encode(NewUserResult(username: username)))
        case .renewUser:
            _ = try initializedConnection(params)
            _ = try require(params.username, "username")
            return Self.emptyObject
        case .revokeUser:
            _ = try initializedConnection(params)
            _ = try require(params.username, "username")
            return Self.emptyObject
        case .rotateRoot:
            let connection = try initializedConnection(params)
            let newPassword = try require(params.newPassword, "newPassword")
            let config: PluginConfig = lock.withLock {
                connections[connection]?.config["password"] = .string(newPassword)
                return connections[connection]?.config ?? [:]
            }
            return try Array(encoder.encode(RotateRootResult(config: config)))
        case .setCredentials:
            _ = try initializedConnection(params)
            return Self.emptyObject
        case .close:
            let connection = try require(params.connection, "connection")
            lock.withLock { _ = connections.removeValue(forKey: connection) }
            return Self.emptyObject
        case nil:
            throw TestPluginFailure(
                code: RPCErrorCode.methodNotFound, kind: .unsupported, message: "method not found")
        }
    }

    /// Per-call misbehaviours, selected by the NewUser username. Returns true if it took the call.
    private func handleMisbehaviour(id: Int, username: String) -> Bool {
        switch username {
        case "crash":
            StandardError.line("test plugin: crashing during NewUser as asked")
            exit(3)
        case "hang":
            return true  // never answered
        case "garbage":
            output.writeRaw(Array("this is not a JSON-RPC response\n".utf8))
            return true
        case "oversized":
            output.writeRaw([UInt8](repeating: UInt8(ascii: "x"), count: pluginMaxMessageBytes + 16) + [0x0A])
            return true
        case "fds":
            let list = startupDescriptors.map(String.init).joined(separator: ",")
            respond(id: id, result: Array("{\"username\":\"fds=\(list)\"}".utf8))
            return true
        default:
            break
        }
        if username.hasPrefix("delay-"), let milliseconds = Int(username.dropFirst(6)) {
            delayed.enter()
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(milliseconds)) {
                self.respond(id: id, result: Array("{\"username\":\"\(username)\"}".utf8))
                self.delayed.leave()
            }
            return true
        }
        if username.hasPrefix("flood-"), let lines = Int(username.dropFirst(6)) {
            let text = String(repeating: "flood ", count: 170)  // about 1 KiB per line
            for number in 0..<lines { StandardError.line("\(number) \(text)") }
            respond(id: id, result: Array("{\"username\":\"\(username)\"}".utf8))
            return true
        }
        return false
    }

    private func initializedConnection(_ params: TestPluginParams) throws -> String {
        let connection = try require(params.connection, "connection")
        let known: (PluginConfig, Int, Bool)? = lock.withLock { connections[connection] }
        guard known != nil else { throw TestPluginFailure.notInitialized(connection) }
        return connection
    }

    private func require<Value>(_ value: Value?, _ name: String) throws -> Value {
        guard let value else { throw TestPluginFailure.invalidParams("missing parameter \(name)") }
        return value
    }

    private static let emptyObject = Array("{}".utf8)

    private func respond(id: Int, result: [UInt8]) {
        var line = Array("{\"jsonrpc\":\"2.0\",\"id\":\(id),\"result\":".utf8)
        line.append(contentsOf: result)
        line.append(UInt8(ascii: "}"))
        output.writeLine(line)
    }

    private func respond(id: Int?, failure: TestPluginFailure) {
        let error = RPCErrorObject(code: failure.code, message: failure.message, data: RPCErrorData(kind: failure.kind))
        let response = RPCResponse(id: id, error: error)
        guard let line = try? encoder.encode(response) else { return }
        output.writeLine(Array(line))
    }
}
