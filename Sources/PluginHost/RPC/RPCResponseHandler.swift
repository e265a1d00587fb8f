import Foundation
import NIOCore

/// Last handler on the plugin's stdout: decodes each line's head and hands it to the connection.
/// Anything that is not a valid response, an over-long line, or EOF ends the connection.
final class RPCResponseHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let connection: PluginRPCConnection
    private let decoder = JSONDecoder()

    init(connection: PluginRPCConnection) {
        self.connection = connection
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let line = unwrapInboundIn(data)
        guard let head = try? RPCWire.decodeHead(line, decoder: decoder) else {
            connection.fail(
                PluginHostError(
                    .protocolViolation, plugin: connection.pluginName,
                    "the plugin wrote a line to stdout that is not a JSON-RPC response; stopping it"))
            context.close(promise: nil)
            return
        }
        connection.deliver(RPCResponseLine(head: head, line: line))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if error is LineFrameDecoder.LineTooLong {
            connection.fail(
                PluginHostError(
                    .protocolViolation, plugin: connection.pluginName,
                    "the plugin wrote a message larger than the 4 MiB limit; stopping it"))
        } else {
            connection.fail(
                PluginHostError(
                    .pluginExited, plugin: connection.pluginName, "reading the plugin's stdout failed; stopping it"))
        }
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        connection.fail(
            PluginHostError(
                .pluginExited, plugin: connection.pluginName, "the plugin process ended (its stdout closed)"))
        context.fireChannelInactive()
    }
}
