import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1

/// Vault clients send `LIST /v1/path` (hvac, curl `-X LIST`). NIO's HTTP parser only knows the
/// registered methods and rejects it, so a handler in front of the parser rewrites the request line
/// to `GET /v1/path?list=true`, which Vault treats the same. It only looks at the first bytes of
/// each request: a second handler behind the parser tells it where requests end.
struct ListMethodHTTP1Channel: ServerChildChannel, HTTPChannelHandler {
    typealias Value = HTTP1Channel.Value
    let base: HTTP1Channel

    var responder: HTTPChannelHandler.Responder { base.responder }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let boundary = RequestBoundary()
        do {
            try channel.pipeline.syncOperations.addHandler(ListMethodRewriter(boundary: boundary))
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        return base.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let operations = channel.pipeline.syncOperations
            let decoder = try operations.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
            try operations.addHandler(RequestEndObserver(boundary: boundary), position: .after(decoder))
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

/// Per-connection flag shared by the two handlers; both run on the channel's event loop.
/// Unchecked: only ever touched on the channel's event loop.
final class RequestBoundary: @unchecked Sendable {
    var atRequestStart = true
}

final class ListMethodRewriter: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let boundary: RequestBoundary
    private var pending: ByteBuffer?
    private static let list = Array("LIST ".utf8)

    init(boundary: RequestBoundary) { self.boundary = boundary }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        guard boundary.atRequestStart else {
            context.fireChannelRead(data)
            return
        }
        if var held = pending {
            held.writeBuffer(&buffer)
            buffer = held
            pending = nil
        }
        let view = buffer.readableBytesView
        // Skip the blank lines a client may send between requests.
        let start = view.firstIndex(where: { $0 != UInt8(ascii: "\r") && $0 != UInt8(ascii: "\n") }) ?? view.endIndex
        let available = view.distance(from: start, to: view.endIndex)
        if available < Self.list.count {
            if view[start...].elementsEqual(Self.list.prefix(available)) {
                pending = buffer   // could still become "LIST "; wait for more bytes
                return
            }
            boundary.atRequestStart = false
            context.fireChannelRead(wrapInboundOut(buffer))
            return
        }
        boundary.atRequestStart = false
        guard view[start..<view.index(start, offsetBy: Self.list.count)].elementsEqual(Self.list) else {
            context.fireChannelRead(wrapInboundOut(buffer))
            return
        }
        let uriStart = view.index(start, offsetBy: Self.list.count)
        guard let uriEnd = view[uriStart...].firstIndex(where: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") }) else {
            // The request line is not complete yet: hold it (the decoder's own size limits still
            // apply once we pass it on; cap what we hold).
            if buffer.readableBytes > 64 * 1024 {
                context.fireChannelRead(wrapInboundOut(buffer))
            } else {
                boundary.atRequestStart = true
                pending = buffer
            }
            return
        }
        let uri = Array(view[uriStart..<uriEnd])
        var rewritten = context.channel.allocator.buffer(capacity: buffer.readableBytes + 16)
        rewritten.writeString("GET ")
        rewritten.writeBytes(uri)
        rewritten.writeString(uri.contains(UInt8(ascii: "?")) ? "&list=true" : "?list=true")
        rewritten.writeBytes(view[uriEnd...])
        context.fireChannelRead(wrapInboundOut(rewritten))
    }
}

final class RequestEndObserver: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart

    private let boundary: RequestBoundary
    init(boundary: RequestBoundary) { self.boundary = boundary }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .end = unwrapInboundIn(data) { boundary.atRequestStart = true }
        context.fireChannelRead(data)
    }
}
