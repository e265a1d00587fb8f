import NIOCore
import NIOHTTP1

/// Sits right behind the HTTP decoder and tells the handlers in front of it, which only see
/// bytes, where requests and responses begin and end. Called synchronously while the decoder
/// consumes the byte that completes a part: `ListMethodRewriter` relies on that.
final class RequestPartObserver: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let connection: ConnectionGuard
    private let rewriter: ListMethodRewriter

    init(connection: ConnectionGuard, rewriter: ListMethodRewriter) {
        self.connection = connection
        self.rewriter = rewriter
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            connection.requestHeadReceived()
        case .body:
            break
        case .end:
            rewriter.messageEnded()
            connection.requestEnded()
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { connection.responseEnded() }
        context.write(data, promise: promise)
    }
}
