import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1

/// A listener's HTTP/1.1 connections: Hummingbird's `HTTP1Channel`, with in front of its decoder
/// the `ConnectionGuard` (deadlines, `max_connections`) and the `ListMethodRewriter`, and behind
/// it the `RequestPartObserver` that tells both where requests end.
struct VaultHTTP1Channel: ServerChildChannel, HTTPChannelHandler {
    typealias Value = HTTP1Channel.Value
    let base: HTTP1Channel
    let timeouts: ConnectionTimeouts
    let limiter: ConnectionLimiter

    var responder: HTTPChannelHandler.Responder { base.responder }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let connection = ConnectionGuard(timeouts: timeouts, limiter: limiter)
        let rewriter = ListMethodRewriter()
        do {
            try channel.pipeline.syncOperations.addHandler(connection)
            try channel.pipeline.syncOperations.addHandler(rewriter)
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        // Setup runs on the channel's event loop, where the handlers live.
        return base.setup(channel: channel, logger: logger).assumeIsolated().flatMapThrowing { value in
            let operations = channel.pipeline.syncOperations
            let decoder = try operations.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
            try operations.addHandler(RequestPartObserver(connection: connection, rewriter: rewriter), position: .after(decoder))
            return value
        }.nonisolated()
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}
