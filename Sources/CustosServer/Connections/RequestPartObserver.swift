import NIOCore
import NIOHTTP1

/// Sits right behind the HTTP decoder and tells the handler in front of it, which only sees
/// bytes, where requests end. Called synchronously while the decoder consumes the byte that
/// completes a request: `ListMethodRewriter` relies on that.
final class RequestPartObserver: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart

    private let rewriter: ListMethodRewriter

    init(rewriter: ListMethodRewriter) {
        self.rewriter = rewriter
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .end = unwrapInboundIn(data) { rewriter.messageEnded() }
        context.fireChannelRead(data)
    }
}
