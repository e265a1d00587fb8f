import NIOCore

/// Vault clients send `LIST /v1/path` (hvac, curl `-X LIST`). NIO's HTTP parser only knows the
/// registered methods and rejects it, so this handler, in front of the parser, rewrites the
/// request line to `GET /v1/path?list=true`, which Vault treats the same.
///
/// A request starts wherever the previous one ended, which only the parser knows (Content-Length,
/// chunked bodies, pipelining). So the handler feeds the parser in pieces and asks it: up to a
/// possible `LIST ` it passes bytes in bulk, then the trailing line breaks and the byte before them
/// as one more piece; the `RequestPartObserver` behind the parser calls `messageEnded()` while the
/// parser consumes a request's last byte. If a request ended in that last piece (only blank lines,
/// which the parser skips between requests, can follow it there), the `LIST ` starts a request
/// and is rewritten.
final class ListMethodRewriter: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    /// The parser is between requests and has been fed nothing since but CR and LF.
    private var atRequestStart = true
    private var ended = false
    /// The start of a request line that may be a `LIST`, kept until it is complete.
    private var held: ByteBuffer?

    private static let method = Array("LIST ".utf8)
    /// A request line longer than this is passed on as is (the parser's own limits apply).
    private static let maxHeldBytes = 64 * 1024
    /// Past this many `LIST ` inside requests (bodies, headers) in one read, the rest of the read
    /// is passed on without looking: a crafted body must not multiply the parser's work.
    private static let maxMissesPerRead = 16

    func messageEnded() { ended = true }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        if var earlier = held {
            held = nil
            earlier.writeBuffer(&buffer)
            buffer = earlier
        }
        var fed = buffer.readerIndex
        let end = buffer.writerIndex
        var misses = 0
        while misses < Self.maxMissesPerRead, let candidate = Self.nextCandidate(in: buffer, from: fed) {
            feed(context, buffer, from: &fed, to: candidate)
            guard atRequestStart else {
                misses += 1
                feed(context, buffer, from: &fed, to: candidate + 1)
                continue
            }
            guard let uriEnd = Self.uriEnd(in: buffer, listAt: candidate) else {
                if end - candidate <= Self.maxHeldBytes {
                    held = buffer.getSlice(at: candidate, length: end - candidate)
                    return
                }
                break
            }
            context.fireChannelRead(wrapInboundOut(Self.rewritten(buffer, listAt: candidate, uriEnd: uriEnd, allocator: context.channel.allocator)))
            atRequestStart = false
            fed = uriEnd
        }
        feed(context, buffer, from: &fed, to: end)
    }

    /// Feeds `[fed, limit)` to the parser and leaves `atRequestStart` exact at `limit`.
    private func feed(_ context: ChannelHandlerContext, _ buffer: ByteBuffer, from fed: inout Int, to limit: Int) {
        guard limit > fed else { return }
        // A request can end only on the trailing CR/LF run or the byte before it, so everything
        // before goes in bulk and that tail in one more piece: the tail holds at most one byte
        // that is not a line break (its first), so if a request ended inside it, only blank
        // lines, which the parser skips, followed the end.
        var tail = limit
        while tail > fed, Self.isLineBreak(buffer.getInteger(at: tail - 1, as: UInt8.self)) {
            tail -= 1
        }
        if tail > fed { tail -= 1 }
        if tail > fed {
            fire(context, buffer, at: fed, length: tail - fed)
            atRequestStart = false
        }
        let tailHasContent = !Self.isLineBreak(buffer.getInteger(at: tail, as: UInt8.self))
        ended = false
        fire(context, buffer, at: tail, length: limit - tail)
        if ended {
            atRequestStart = true
        } else if tailHasContent {
            atRequestStart = false
        }
        fed = limit
    }

    private func fire(_ context: ChannelHandlerContext, _ buffer: ByteBuffer, at index: Int, length: Int) {
        guard let slice = buffer.getSlice(at: index, length: length) else { return }
        context.fireChannelRead(wrapInboundOut(slice))
    }

    /// The first `LIST ` (or, at the end, a beginning of it) at or after `start`. A request may
    /// follow a body without a line break in between, so any occurrence may start one.
    private static func nextCandidate(in buffer: ByteBuffer, from start: Int) -> Int? {
        buffer.withUnsafeReadableBytes { bytes in
            var index = start - buffer.readerIndex
            while index < bytes.count {
                defer { index += 1 }
                guard bytes[index] == method[0] else { continue }
                let length = min(method.count, bytes.count - index)
                if bytes[index..<(index + length)].elementsEqual(method[0..<length]) {
                    return buffer.readerIndex + index
                }
            }
            return nil
        }
    }

    /// The end of the URI after `LIST ` at `start`; nil until the buffer holds it.
    private static func uriEnd(in buffer: ByteBuffer, listAt start: Int) -> Int? {
        var index = start + method.count
        while index < buffer.writerIndex {
            let byte = buffer.getInteger(at: index, as: UInt8.self)
            if byte == UInt8(ascii: " ") || isLineBreak(byte) { return index }
            index += 1
        }
        return nil
    }

    private static func rewritten(_ buffer: ByteBuffer, listAt start: Int, uriEnd: Int, allocator: ByteBufferAllocator) -> ByteBuffer {
        let uriStart = start + method.count
        let uri = buffer.getBytes(at: uriStart, length: uriEnd - uriStart) ?? []
        var line = allocator.buffer(capacity: uri.count + 16)
        line.writeString("GET ")
        line.writeBytes(uri)
        line.writeString(uri.contains(UInt8(ascii: "?")) ? "&list=true" : "?list=true")
        return line
    }

    private static func isLineBreak(_ byte: UInt8?) -> Bool {
        byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n")
    }
}
