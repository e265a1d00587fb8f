import Foundation

/// The machinery behind `serve(_:)`: reader thread, per-request child tasks, writer, shutdown.
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

    /// Serves until stdin ends. Every request runs as a child of one task group, so calls overlap;
    /// at EOF the group's remaining work is bounded by the shutdown timeouts, then the process
    /// exits (a call that outlives them is abandoned with the process, as the host would kill it).
    func run() async -> Never {
        PluginLog.write(.info, "\(info.name) \(info.version) serving plugin protocol v\(pluginProtocolVersion)")
        let (lines, input) = AsyncStream.makeStream(of: [UInt8].self)
        let reader = Thread { [self] in
            readRequests(into: input)
            input.finish()
        }
        reader.name = "custos-plugin-stdin"
        reader.start()
        await withDiscardingTaskGroup { group in
            for await line in lines {
                inFlight.begin()
                group.addTask { [self] in
                    writer.send(await response(to: line))
                    inFlight.end()
                }
            }
            await shutDown(in: &group)
            // From inside the group: leaving it would wait for calls the timeouts gave up on.
            exit(0)
        }
        // Not reached (the group's body exits); `run()` never returns.
        exit(0)
    }

    /// Runs on the reader thread until stdin ends: frames lines and hands each request to `run()`.
    private func readRequests(into input: AsyncStream<[UInt8]>.Continuation) {
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
                if line.contains(where: { !Self.isJSONWhitespace($0) }) { input.yield(line) }
            }
        }
    }

    /// On stdin EOF: let calls in flight finish (bounded), then close what is still open.
    private func shutDown(in group: inout DiscardingTaskGroup) async {
        if await !inFlight.waitUntilIdle(timeout: Self.drainTimeout) {
            PluginLog.write(.warning, "stdin closed; \(inFlight.count) call(s) still running, exiting without them")
        }
        let open = connections.removeAll()
        for connection in open {
            inFlight.begin()
            group.addTask { [self] in
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
