import CustosCore
import Hummingbird
import HummingbirdCore
import Logging
package import NIOCore
import NIOHTTP1

/// One listener's HTTP application, assembled one way for the listener and for the in-process
/// test mode: the responder chain (`TelemetryResponder` in front of `VaultResponder`) and each
/// connection's HTTP/1.1 pipeline (`VaultHTTP1Channel`: deadlines, `max_connections`, `LIST`).
package struct VaultApplication: Sendable {
    let responder: TelemetryResponder
    let timeouts: ConnectionTimeouts
    let limiter: ConnectionLimiter
    let logger: Logger

    /// `maxConnections` is the listener's cap once fitted to the open-files limit.
    init(core: Core, listener: ServerConfiguration.Listener, maxConnections: Int?, metrics: ServerMetrics, logger: Logger) {
        responder = TelemetryResponder(
            inner: VaultResponder(core: core, maxRequestSize: listener.maxRequestSize, logger: logger),
            core: core,
            endpoint: MetricsEndpoint(metrics: metrics, refreshGauges: { [weak core] in await core?.recordScrapeTimeGauges() }),
            unauthenticatedMetrics: listener.unauthenticatedMetricsAccess,
            logger: logger)
        timeouts = listener.timeouts
        limiter = ConnectionLimiter(capacity: maxConnections ?? listener.maxConnections, logger: logger)
        self.logger = logger
    }

    /// A connection's handler, answering each request through `respond`.
    func connection(_ respond: @escaping HTTPChannelHandler.Responder) -> VaultHTTP1Channel {
        // Idle connections are `ConnectionGuard`'s (http_idle_timeout), not Hummingbird's.
        VaultHTTP1Channel(base: HTTP1Channel(responder: respond, configuration: .init(idleTimeout: nil)), timeouts: timeouts, limiter: limiter)
    }

    /// Sets up a connected channel as the listener sets up an accepted connection; `serve()` then
    /// answers its requests until it closes. The in-process test mode connects in-memory channels
    /// here: no socket, no process.
    package func accept(_ channel: any Channel) async throws -> AcceptedConnection {
        let handler = connection(respondAsApplication)
        let logger = logger
        let value = try await channel.eventLoop.flatSubmit { handler.setup(channel: channel, logger: logger) }.get()
        return AcceptedConnection(handler: handler, value: value, logger: logger)
    }

    package struct AcceptedConnection: Sendable {
        let handler: VaultHTTP1Channel
        let value: VaultHTTP1Channel.Value
        let logger: Logger

        package func serve() async {
            await handler.handle(value: value, logger: logger)
        }
    }

    /// What Hummingbird's `Application` does with each request (its own is not public): a
    /// context, the responder's answer or a bare 500, written in one go. Its `Date` header is
    /// the one thing left out.
    private var respondAsApplication: HTTPChannelHandler.Responder {
        { [responder, logger] request, writer, channel in
            let context = VaultRequestContext(source: .init(channel: channel, logger: logger))
            let response: Response
            do {
                response = try await responder.respond(to: request, context: context)
            } catch let error as HTTPParserError {
                throw error
            } catch {
                response = Response(status: .internalServerError, body: .init())
            }
            try await writer.write(response: response.head, body: response.body)
        }
    }
}
