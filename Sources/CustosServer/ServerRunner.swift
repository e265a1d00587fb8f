package import CustosCore
package import Logging
package import ServiceLifecycle
import UnixSignals

/// Assembles core, storage and listeners and runs them in one `ServiceGroup` until a signal
/// (SIGTERM/SIGINT) or cancellation; then seals the core so no key outlives the process.
package struct ServerRunner: Sendable {
    /// Dev mode: initialise with one key share, unseal, mount KV at `secret/`.
    package struct DevOptions: Sendable {
        package var rootTokenID: String?
        /// `-dev-database-url`: a PostgreSQL to configure `database/` against (`DevDatabase`).
        package var databaseURL: String?
        package init(rootTokenID: String? = nil, databaseURL: String? = nil) {
            self.rootTokenID = rootTokenID
            self.databaseURL = databaseURL
        }
    }

    package struct Ready: Sendable {
        package var addresses: [String]
        /// Dev mode only: what the banner prints.
        package var unsealKey: String?
        package var rootToken: String?
    }

    /// Installs what lives outside the core (plugin catalog and supervisor) once the core exists;
    /// returns its services, run in the server's group and shut down before the services before them.
    package typealias Extension = @Sendable (Core) async throws -> [any Service]

    package var configuration: ServerConfiguration
    package var engineTypes: [SecretsEngineType]
    package var dev: DevOptions?
    package var logger: Logger
    package var extensions: [Extension]

    package init(configuration: ServerConfiguration, engineTypes: [SecretsEngineType], dev: DevOptions? = nil, logger: Logger, extensions: [Extension] = []) {
        self.configuration = configuration
        self.engineTypes = engineTypes
        self.dev = dev
        self.logger = logger
        self.extensions = extensions
    }

    package func run(onReady: @escaping @Sendable (Ready) async -> Void = { _ in }) async throws {
        let assembled = try ServerCore(configuration: configuration, engineTypes: engineTypes, logger: logger)
        let core = assembled.core
        let auditReopen = await AuditReopenService(core: core)

        var ready = Ready(addresses: [])
        if let dev {
            let keys = try await assembled.initializeDev(rootTokenID: dev.rootTokenID)
            ready.unsealKey = keys.unsealKey
            ready.rootToken = keys.rootToken
        }

        // The core's background work first: the group shuts services down in reverse order, so
        // it stops after the listeners whose requests hand it work.
        var services: [any Service] = [core.backgroundTasks, auditReopen]
        // Extensions come after dev mode's unseal: they may need the storage (dev plugin registration).
        for install in extensions { services += try await install(core) }

        // Announce readiness once every listener is bound and dev mode's database is configured.
        let bound = BoundListeners(expected: configuration.listeners.count)
        let setUp = DevSetUp()
        let devReady = ready
        // Listeners come last: a graceful shutdown stops them first (the group goes in reverse
        // order), so no request is still running when the extensions' services stop.
        let openFiles = OpenFileLimit.raise()
        for listener in configuration.listeners {
            let cap = OpenFileLimit.connectionCap(
                configured: listener.maxConnections, limit: openFiles, listeners: configuration.listeners.count)
            if cap < listener.maxConnections {
                logger.warning("max_connections lowered to fit the open-files limit; raise it (ulimit -n) to allow more", metadata: [
                    "listener": "\(listener.address)", "max_connections": "\(cap)", "open_files_limit": "\(openFiles ?? 0)",
                ])
            }
            let application = assembled.application(listener: listener, maxConnections: cap, logger: logger)
            services.append(try HTTPListener.make(application: application, listener: listener, logger: logger) { port in
                let address = "\(listener.scheme)://\(listener.host.contains(":") ? "[\(listener.host)]" : listener.host):\(port)"
                if let all = await bound.add(address), await setUp.succeeded() {
                    var announced = devReady
                    announced.addresses = all
                    await onReady(announced)
                }
            })
        }
        let group = ServiceGroup(configuration: .init(
            services: services,
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        ))
        do {
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                // High: the background hosts' loops hand work on at once (each job has its own
                // priority; expiry runs at background priority).
                tasks.addTask(priority: .high) { try await group.run() }
                // While the group runs: configuring the dev database calls its plugin, whose launch
                // is work of the plugin side's background host, one of the group's services. The
                // `database` engine kind came with the extensions.
                do {
                    if let url = dev?.databaseURL, let token = ready.rootToken {
                        try await DevDatabase.configure(core: core, rootToken: token, url: url)
                    }
                    await setUp.finish(succeeded: true)
                } catch {
                    await setUp.finish(succeeded: false)
                    throw error
                }
                try await tasks.waitForAll()
            }
        } catch {
            await core.sealNow()
            throw error
        }
        await core.sealNow()
    }
}

/// Whether dev mode's set-up after the start (its database) is done, and went well.
private actor DevSetUp {
    private var outcome: Bool?
    private var waiters: [CheckedContinuation<Bool, Never>] = []

    func finish(succeeded: Bool) {
        outcome = succeeded
        for waiter in waiters { waiter.resume(returning: succeeded) }
        waiters = []
    }

    func succeeded() async -> Bool {
        if let outcome { return outcome }
        return await withCheckedContinuation { waiters.append($0) }
    }
}

private actor BoundListeners {
    let expected: Int
    var addresses: [String] = []
    init(expected: Int) { self.expected = expected }

    /// Returns every address once the last listener is bound.
    func add(_ address: String) -> [String]? {
        addresses.append(address)
        return addresses.count == expected ? addresses : nil
    }
}
