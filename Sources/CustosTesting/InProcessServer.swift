package import CustosCore
package import CustosServer
import Logging

/// A Custos server inside the test process: the core as `custos server` assembles it
/// (`ServerCore`), on in-memory storage, behind the listener's real HTTP application
/// (`VaultApplication`), reached over in-memory connections instead of sockets. For what HTTP
/// looks like to a client (status codes, error envelopes, headers, LIST, token/policy/KV/sys
/// answers) without starting a process; what needs one (signals, kill -9, plugins, real sockets,
/// the CLIs) stays with `ServerProcess`.
package struct InProcessServer: Sendable {
    /// Dev mode only, as `custos server -dev` prints them.
    package let rootToken: String?
    package let unsealKey: String?
    let application: VaultApplication

    /// A client; with `token`, it sends it as `X-Vault-Token`.
    package func client(token: String? = nil) -> InProcessClient {
        InProcessClient(application: application, token: token)
    }

    /// Runs `body` with a connection of its own (for pipelining and raw bytes).
    package func withConnection<T: Sendable>(_ body: @Sendable (InProcessConnection) async throws -> T) async throws -> T {
        try await InProcessConnection.with(application, body)
    }
}

/// Runs `body` against an in-process server, sealed afterwards (which stops its background work).
/// By default a dev server (initialised, unsealed, KV at `secret/`, metrics open as on
/// `custos server -dev`) on in-memory storage; `dev: false` leaves it uninitialised and sealed.
package func withInProcessServer<T: Sendable>(
    configuration: ServerConfiguration = .dev(storage: .inMemory),
    dev: Bool = true,
    rootToken: String? = nil,
    engineTypes: [SecretsEngineType] = [KVEngine.type],
    _ body: @Sendable (InProcessServer) async throws -> T
) async throws -> T {
    var logger = Logger(label: "custos-in-process")
    logger.logLevel = .critical
    let assembled = try ServerCore(configuration: configuration, engineTypes: engineTypes, logger: logger)
    let keys = dev ? try await assembled.initializeDev(rootTokenID: rootToken) : nil
    let listener = configuration.listeners.first ?? ServerConfiguration.Listener(tlsDisable: true)
    let server = InProcessServer(
        rootToken: keys?.rootToken, unsealKey: keys?.unsealKey,
        application: assembled.application(listener: listener, logger: logger))
    // The core's background work runs as `custos server` runs it: in a service of its own.
    return try await withBackgroundTasks(assembled.core.backgroundTasks) {
        do {
            let result = try await body(server)
            await assembled.core.sealNow()
            return result
        } catch {
            await assembled.core.sealNow()
            throw error
        }
    }
}
