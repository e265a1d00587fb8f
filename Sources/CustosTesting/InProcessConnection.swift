import CustosServer
import NIOCore
import NIOEmbedded

/// One connection to an `InProcessServer`: an in-memory channel that the server's application
/// set up as it sets up an accepted socket, so every byte sent goes through the listener's real
/// pipeline (connection guard, `LIST` rewriting, HTTP/1.1 parser, responders) and every byte read
/// is what a socket would have carried.
package struct InProcessConnection: Sendable {
    private let channel: NIOAsyncTestingChannel
    private let received: ReceivedBytes

    /// Runs `body` with a new connection, which is closed when `body` returns.
    static func with<T: Sendable>(
        _ application: VaultApplication, _ body: @Sendable (InProcessConnection) async throws -> T
    ) async throws -> T {
        let channel = NIOAsyncTestingChannel()
        // Seen from the server: its listener's address, and a client on loopback (the audit
        // log's `remote_address`), active as an accepted socket is.
        channel.localAddress = try SocketAddress(ipAddress: "127.0.0.1", port: 8200)
        try await channel.connect(to: try SocketAddress(ipAddress: "127.0.0.1", port: 52_000)).get()
        let accepted = try await application.accept(channel)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await accepted.serve() }
            let connection = InProcessConnection(channel: channel, received: ReceivedBytes())
            do {
                let result = try await body(connection)
                try? await channel.close()
                try await group.waitForAll()
                return result
            } catch {
                try? await channel.close()
                try await group.waitForAll()
                throw error
            }
        }
    }

    /// Sends `bytes` as one read on the server's side.
    package func send(_ bytes: [UInt8]) async throws {
        try await channel.writeInbound(ByteBuffer(bytes: bytes))
    }

    package func send(_ text: String) async throws {
        try await send(Array(text.utf8))
    }

    /// The next response, in the order requests were sent; nil once the server has closed the
    /// connection without a complete one. `bodiless` for the answer to a HEAD request.
    package func nextResponse(bodiless: Bool = false) async throws -> RawHTTPResponse? {
        while true {
            if let response = await received.take(bodiless: bodiless) { return response }
            do {
                await received.append(try await channel.waitForOutboundWrite(as: ByteBuffer.self))
            } catch ChannelError.ioOnClosedChannel {
                return nil
            }
        }
    }

    /// The next `count` responses; fewer if the server closes the connection first.
    package func responses(_ count: Int) async throws -> [RawHTTPResponse] {
        var responses: [RawHTTPResponse] = []
        while responses.count < count, let response = try await nextResponse() { responses.append(response) }
        return responses
    }
}

/// What the server wrote that no response has taken yet.
private actor ReceivedBytes {
    private var bytes: [UInt8] = []

    func append(_ buffer: ByteBuffer) {
        bytes += buffer.readableBytesView
    }

    func take(bodiless: Bool) -> RawHTTPResponse? {
        guard let (response, consumed) = RawHTTPResponse.parse(bytes[...], bodiless: bodiless) else { return nil }
        bytes.removeFirst(consumed)
        return response
    }
}
