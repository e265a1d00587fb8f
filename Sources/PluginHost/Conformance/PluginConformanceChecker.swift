package import DatabasePluginProtocol
import Foundation
package import Logging
package import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// The checks behind `custos plugin check PATH [--config JSON]`: runs the binary as the host would
/// and probes the protocol's rules. Every check is reported, passed or not; a failed handshake
/// stops the run (nothing else can be checked without one).
package struct PluginConformanceChecker: Sendable {
    package var executablePath: String
    package var arguments: [String]
    /// Extra `K=V` variables for the plugin (as a catalog entry's `env`).
    package var environment: [String]
    /// With a config, the database methods are exercised against a real connection.
    package var config: PluginConfig?
    /// The role's creation statements for the life-cycle checks (SQL plugins need some; empty
    /// means the plugin's defaults).
    package var creationStatements: [String] = []
    /// How long a call may take; also bounds a start-up (the handshake, the run-by-hand refusal),
    /// which an interpreter on a busy machine can make slow.
    package var callTimeout: Duration = .seconds(10)
    /// The protocol's bound on a clean exit after stdin closes (the host kills after it).
    package var exitGrace: Duration = .seconds(5)
    package var logger: Logger
    package var eventLoopGroup: any EventLoopGroup

    static let connectionID = "custos-conformance"
    static let concurrentCalls = 50

    package init(
        executablePath: String, arguments: [String] = [], environment: [String] = [], config: PluginConfig? = nil,
        logger: Logger = Logger(label: "custos.plugin-check"),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.executablePath = executablePath
        self.arguments = arguments
        self.environment = environment
        self.config = config
        self.logger = logger
        self.eventLoopGroup = eventLoopGroup
    }

    /// How errors name the plugin: its file name (a script's, when run through an interpreter).
    private var pluginName: String {
        let path = arguments.last(where: { $0.hasPrefix("/") }) ?? executablePath
        return String(path.split(separator: "/").last ?? Substring(path))
    }

    package func run() async -> [ConformanceCheckResult] {
        var results: [ConformanceCheckResult] = []
        let recorder = ResponseRecorder()
        let process: PluginProcess
        do {
            process = try await PluginProcess.launch(
                name: pluginName, generation: 1, executablePath: executablePath, arguments: arguments,
                environment: PluginEnvironment.build(
                    entryEnvironment: environment, inheritedNames: PluginEnvironment.defaultInherited),
                eventLoop: eventLoopGroup.next(), logger: logger,
                responseObserver: { recorder.record($0) }, onFailure: { _ in })
        } catch {
            return [ConformanceCheckResult(name: "start", passed: false, detail: "\(error)")]
        }

        let info: PluginInfo
        do {
            info = try await process.handshake(timeout: callTimeout)
            guard !info.name.isEmpty else {
                throw PluginHostError(.handshakeFailed, plugin: pluginName, "Info answered with an empty name")
            }
            results.append(
                pass("handshake", "\(info.name) \(info.version), protocol versions \(info.protocolVersions)"))
        } catch {
            results.append(fail("handshake", error))
            await process.kill()
            results.append(await checkRefusesToRunByHand())
            return results
        }

        results.append(await checkUnknownMethod(process))
        results.append(await checkMalformedLine(process, recorder: recorder))
        results.append(await checkConcurrentCalls(process, recorder: recorder))
        if let config {
            results += await checkDatabaseMethods(process, config: config, info: info)
        }
        results.append(await checkExitOnStdinClose(process))
        results.append(await checkRefusesToRunByHand())
        return results
    }

    private func checkUnknownMethod(_ process: PluginProcess) async -> ConformanceCheckResult {
        let name = "unknown method answered with -32601"
        do {
            _ = try await process.rpc.call(
                "CustosNoSuchMethod", params: EmptyResult(), as: EmptyResult.self, timeout: callTimeout)
            return ConformanceCheckResult(name: name, passed: false, detail: "the plugin answered with a result")
        } catch let error as PluginHostError where error.code == .remote {
            let code = error.rpcCode ?? 0
            return ConformanceCheckResult(
                name: name, passed: code == RPCErrorCode.methodNotFound,
                detail: "error code \(code), kind \(error.remote?.kind.rawValue ?? "none")")
        } catch {
            return fail(name, error)
        }
    }

    private func checkMalformedLine(_ process: PluginProcess, recorder: ResponseRecorder) async
        -> ConformanceCheckResult
    {
        let name = "malformed line answered with -32700, plugin keeps serving"
        do {
            try await process.rpc.sendRaw("{\"jsonrpc\": \"2.0\", this is not JSON")
        } catch {
            return fail(name, error)
        }
        guard let answer = await recorder.nextUnmatched(timeout: callTimeout) else {
            return ConformanceCheckResult(name: name, passed: false, detail: "no answer with id null arrived")
        }
        guard answer.error?.code == RPCErrorCode.parseError else {
            return ConformanceCheckResult(
                name: name, passed: false,
                detail: "answered with \(answer.error.map { "code \($0.code)" } ?? "a result")")
        }
        do {
            _ = try await process.rpc.call(
                PluginMethod.info.rawValue, params: EmptyResult(), as: PluginInfo.self, timeout: callTimeout)
            return pass(name, "answered -32700 with id null, then answered Info")
        } catch {
            return fail(name, error)
        }
    }

    private func checkConcurrentCalls(_ process: PluginProcess, recorder: ResponseRecorder) async
        -> ConformanceCheckResult
    {
        let name = "\(Self.concurrentCalls) concurrent calls all answered"
        let before = recorder.arrivalOrder.count
        let timeout = callTimeout
        let failures = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<Self.concurrentCalls {
                group.addTask {
                    (try? await process.rpc.call(
                        PluginMethod.info.rawValue, params: EmptyResult(), as: PluginInfo.self, timeout: timeout))
                        == nil
                }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        guard failures == 0 else {
            return ConformanceCheckResult(
                name: name, passed: false, detail: "\(failures) of \(Self.concurrentCalls) calls got no matching answer"
            )
        }
        let order = Array(recorder.arrivalOrder.dropFirst(before))
        let inOrder = order == order.sorted()
        return pass(name, inOrder ? "answered in request order" : "answered out of order (allowed)")
    }

    private func checkDatabaseMethods(_ process: PluginProcess, config: PluginConfig, info: PluginInfo) async
        -> [ConformanceCheckResult]
    {
        let connection = Self.connectionID
        let suffix = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        let username = String("v_custos_check_\(suffix)".prefix(max(1, info.maxUsernameLength)))
        let password = Self.randomPassword()
        let expiration = Date().addingTimeInterval(3600)
        var results: [ConformanceCheckResult] = []

        func step<Result: Decodable>(
            _ name: String, _ method: PluginMethod, _ params: some Encodable & Sendable, _ type: Result.Type
        ) async -> Bool {
            do {
                _ = try await process.rpc.call(method.rawValue, params: params, as: type, timeout: callTimeout)
                results.append(pass(name, "ok"))
                return true
            } catch {
                results.append(fail(name, error))
                return false
            }
        }

        guard
            await step(
                "Initialize (verifyConnection true)", .initialize,
                InitializeRequest(connection: connection, config: config, verifyConnection: true), InitializeResult.self
            )
        else { return results }
        if await step(
            "NewUser", .newUser,
            NewUserRequest(
                connection: connection, username: username, password: password, expiration: expiration,
                statements: creationStatements, rollbackStatements: []),
            NewUserResult.self)
        {
            _ = await step(
                "RenewUser", .renewUser,
                RenewUserRequest(
                    connection: connection, username: username, expiration: expiration.addingTimeInterval(3600)),
                EmptyResult.self)
            _ = await step(
                "RevokeUser", .revokeUser, RevokeUserRequest(connection: connection, username: username),
                EmptyResult.self)
            _ = await step(
                "RevokeUser again (idempotent)", .revokeUser,
                RevokeUserRequest(connection: connection, username: username), EmptyResult.self)
        }
        _ = await step("Close", .close, CloseRequest(connection: connection), EmptyResult.self)
        return results
    }

    private func checkExitOnStdinClose(_ process: PluginProcess) async -> ConformanceCheckResult {
        let name = "exits 0 within \(exitGrace) of stdin closing"
        let status = await process.stop(grace: exitGrace)
        switch status {
        case .exited(0):
            return pass(name, "exited with status 0")
        case .some(let status):
            return ConformanceCheckResult(name: name, passed: false, detail: "the plugin \(status)")
        case nil:
            return ConformanceCheckResult(name: name, passed: false, detail: "the exit status could not be read")
        }
    }

    private func checkRefusesToRunByHand() async -> ConformanceCheckResult {
        let name = "refuses to run without \(pluginProtocolEnvironmentKey)"
        let child: ChildProcess
        do {
            child = try await ChildProcess.spawn(
                path: executablePath, arguments: arguments,
                environment: PluginEnvironment.build(
                    entryEnvironment: environment, inheritedNames: PluginEnvironment.defaultInherited,
                    includeProtocolMarker: false),
                eventLoop: eventLoopGroup.next())
        } catch {
            return fail(name, error)
        }
        close(child.stdinFD)
        // stdout/stderr stay open until it exits so its notice never hits a closed pipe. The
        // refusal comes at start-up, so the start-up bound applies, not the shutdown grace.
        let killer = child.exit.eventLoop.scheduleTask(in: .nanoseconds(callTimeout.nanoseconds)) { child.kill() }
        let status = try? await child.exit.get()
        killer.cancel()
        close(child.stdoutFD)
        close(child.stderrFD)
        switch status {
        case .exited(let code) where code != 0:
            return pass(name, "exited with status \(code)")
        case .signaled(SIGKILL):
            return ConformanceCheckResult(name: name, passed: false, detail: "still running after \(callTimeout); killed")
        case .some(let status):
            return ConformanceCheckResult(name: name, passed: false, detail: "the plugin \(status)")
        case nil:
            return ConformanceCheckResult(name: name, passed: false, detail: "the exit status could not be read")
        }
    }

    private func pass(_ name: String, _ detail: String) -> ConformanceCheckResult {
        ConformanceCheckResult(name: name, passed: true, detail: detail)
    }

    private func fail(_ name: String, _ error: any Error) -> ConformanceCheckResult {
        // PluginHostError texts never carry params; anything else is reported by type only.
        let detail = (error as? PluginHostError)?.description ?? "failed (\(type(of: error)))"
        return ConformanceCheckResult(name: name, passed: false, detail: detail)
    }

    private static func randomPassword() -> String {
        let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789")
        return "A1a-" + String((0..<24).map { _ in alphabet.randomElement()! })
    }
}
