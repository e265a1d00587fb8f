import Foundation

/// The machinery behind `serve(_:)`: reader thread, per-request tasks, writer, shutdown.
final class PluginServer<Plugin: DatabasePlugin>: Sendable {
    /// How long shutdown waits for calls in flight, then for `close` calls; together below the
    /// host's 5 s grace period, so the plugin exits on its own.
    static var drainTimeout: Duration { .seconds(3) }
    static var closeTimeout: Duration { .seconds(1) }
    static var readChunkBytes: Int { 64 * 1024 }

    let plugin: Plugin
    let info: PluginInfo
    let writer: ResponseWriter
    let inFlight = InFlightTracker()
    let connections = ConnectionRegistry()

    /// `outputFD` receives the response lines (the protocol channel).
    init(plugin: Plugin, outputFD: Int32) {
        self.plugin = plugin
        self.info = plugin.info
        self.writer = ResponseWriter(fd: outputFD)
    }

    func run() async -> Never {
        PluginLog.write(.info, "\(info.name) \(info.version) serving plugin protocol v\(pluginProtocolVersion)")
        await withCheckedContinuation { (endOfInput: CheckedContinuation<Void, Never>) in
            let reader = Thread { [self] in
                readRequests()
                endOfInput.resume()
            }
            reader.name = "custos-plugin-stdin"
            reader.start()
        }
        await shutDown()
        exit(0)
    }

    /// Runs on the reader thread until stdin ends: frames lines and starts a task per request.
    private func readRequests() {
        var framer = LineFramer()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.readChunkBytes, alignment: 1)
        defer { buffer.deallocate() }
        while true {
            guard let count = FileDescriptorIO.read(0, into: buffer) else {
                PluginLog.write(.error, "reading stdin failed (errno \(errno)); shutting down")
                return
            }
            if count == 0 {
                if framer.pendingByteCount > 0 {
                    // Messages end with `\n`; a cut-off one cannot be trusted to be whole.
                    PluginLog.write(.warning, "stdin ended inside a message (no final newline); ignored it")
                }
                return
            }
            do {
                try framer.append(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
            } catch {
                // The oversized line is dropped; answer it so the host sees why, and go on.
                PluginLog.write(.warning, "refused a message longer than \(pluginMaxMessageBytes) bytes")
                writer.send(ResponseLine.error(id: nil, code: RPCErrorCode.invalidRequest, error))
            }
            while let line = framer.nextLine() {
                dispatch(line)
            }
        }
    }

    private func dispatch(_ line: [UInt8]) {
        guard line.contains(where: { !Self.isJSONWhitespace($0) }) else { return }
        inFlight.begin()
        Task { [self] in
            writer.send(await response(to: line))
            inFlight.end()
        }
    }

    /// On stdin EOF: let calls in flight finish (bounded), then close what is still open.
    private func shutDown() async {
        if await !inFlight.waitUntilIdle(timeout: Self.drainTimeout) {
            PluginLog.write(.warning, "stdin closed; \(inFlight.count) call(s) still running, exiting without them")
        }
        let open = connections.removeAll()
        for connection in open {
            inFlight.begin()
            Task { [self] in
                do {
                    try await plugin.close(connection: connection)
                } catch {
                    PluginLog.write(.warning, "closing connection \(connection) at shutdown failed: \(Self.safeDescription(of: error))")
                }
                inFlight.end()
            }
        }
        if await !inFlight.waitUntilIdle(timeout: Self.closeTimeout) {
            PluginLog.write(.warning, "closing connections at shutdown did not finish in time")
        }
    }

    private static func isJSONWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    /// A `PluginError`'s text is safe by contract; any other error shows only its type.
    static func safeDescription(of error: any Error) -> String {
        if let error = error as? PluginError { return error.description }
        return "error of type \(String(reflecting: type(of: error))) (text withheld: it may contain secrets)"
    }
}
