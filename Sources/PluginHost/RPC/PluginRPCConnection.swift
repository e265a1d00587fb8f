import DatabasePluginProtocol
import NIOCore
import Synchronization

/// The JSON-RPC client side of one plugin process: assigns ids, writes whole request lines, matches
/// responses by id, enforces a deadline per call, and fails every call in flight at once when the
/// plugin dies or misbehaves. Callers never wait on each other: any number of calls are in flight.
package final class PluginRPCConnection: Sendable {
    package let pluginName: String
    private let channel: any Channel
    private let state = Mutex(State())
    /// Sees every response head (the conformance checker watches ordering and id-less answers).
    private let responseObserver: (@Sendable (RPCResponseHead) -> Void)?
    /// Told once, on the first failure (the process owner kills the child).
    private let onFailure: @Sendable (PluginHostError) -> Void

    private struct Pending {
        var continuation: CheckedContinuation<RPCResponseLine, any Error>
        var timeout: Scheduled<Void>?
    }

    private struct State {
        var nextID = 0
        var pending: [Int: Pending] = [:]
        var failure: PluginHostError?
        /// Set by an orderly stop: new calls are refused, calls in flight may still complete.
        var closing: PluginHostError?
    }

    init(
        pluginName: String, channel: any Channel,
        responseObserver: (@Sendable (RPCResponseHead) -> Void)?,
        onFailure: @escaping @Sendable (PluginHostError) -> Void
    ) {
        self.pluginName = pluginName
        self.channel = channel
        self.responseObserver = responseObserver
        self.onFailure = onFailure
    }

    /// The failure that ended this connection, if any.
    package var failure: PluginHostError? {
        state.withLock { $0.failure }
    }

    package var inFlightCount: Int {
        state.withLock { $0.pending.count }
    }

    /// Sends `method` with `params` and waits for the matching response (or its error).
    package func call<Params: Encodable, Result: Decodable>(
        _ method: String, params: Params, as resultType: Result.Type, timeout: Duration
    ) async throws -> Result {
        let methodJSON: [UInt8]
        let paramsJSON: [UInt8]
        do {
            methodJSON = try RPCWire.encodeMethod(method)
            paramsJSON = try RPCWire.encodeParams(params)
        } catch {
            throw PluginHostError(.encodingFailed, plugin: pluginName, "cannot encode the \(method) request")
        }
        guard paramsJSON.count + methodJSON.count + 64 <= pluginMaxMessageBytes else {
            throw PluginHostError(.messageTooLarge, plugin: pluginName, "the \(method) request exceeds 4 MiB")
        }
        let response = try await send(method, encodedMethod: methodJSON, params: paramsJSON, timeout: timeout)
        if let error = response.head.error {
            throw PluginHostError(
                .remote, plugin: pluginName, "\(method) failed: \(error.message)",
                remote: PluginError(error.kind, error.message), rpcCode: error.code)
        }
        do {
            return try RPCWire.decodeResult(Result.self, from: response.line)
        } catch {
            throw PluginHostError(
                .decodingFailed, plugin: pluginName, "the plugin's answer to \(method) does not have the expected shape"
            )
        }
    }

    /// Writes `line` (plus `\n`) as is, unmatched to any call: for the conformance checker's probes.
    package func sendRaw(_ line: String) async throws {
        var buffer = channel.allocator.buffer(capacity: line.utf8.count + 1)
        buffer.writeString(line)
        buffer.writeStaticString("\n")
        try await channel.writeAndFlush(buffer)
    }

    private func send(_ method: String, encodedMethod: [UInt8], params: [UInt8], timeout: Duration) async throws
        -> RPCResponseLine
    {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        var buffer = channel.allocator.buffer(capacity: encodedMethod.count + params.count + 48)
        RPCWire.writeRequest(id: id, method: encodedMethod, params: params, into: &buffer)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation {
                (continuation: CheckedContinuation<RPCResponseLine, any Error>) in
                // Registration and the cancellation check share the lock with `onCancel`, so a
                // cancel can never slip between them and leave the call waiting forever.
                // The write is queued under the same lock as `closeInput` queues the close of
                // stdin: the event loop runs them in that order, so a call registered before a
                // reload or stop is always written before stdin closes.
                let outcome: Result<EventLoopFuture<Void>, any Error> = state.withLock { state in
                    if let failure = state.failure ?? state.closing { return .failure(failure) }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    state.pending[id] = Pending(continuation: continuation, timeout: nil)
                    return .success(channel.writeAndFlush(buffer))
                }
                let written: EventLoopFuture<Void>
                switch outcome {
                case .failure(let rejection):
                    continuation.resume(throwing: rejection)
                    return
                case .success(let future):
                    written = future
                }
                let timeoutTask = channel.eventLoop.scheduleTask(in: .nanoseconds(Int64(timeout.nanoseconds))) {
                    self.finish(
                        id,
                        with: .failure(
                            PluginHostError(
                                .deadlineExceeded, plugin: self.pluginName,
                                "\(method) got no answer within its deadline of \(timeout)")))
                }
                let stillPending = state.withLock { state in
                    state.pending[id]?.timeout = timeoutTask
                    return state.pending[id] != nil
                }
                if !stillPending { timeoutTask.cancel() }
                written.whenFailure { _ in
                    self.finish(
                        id,
                        with: .failure(
                            PluginHostError(
                                .pluginExited, plugin: self.pluginName,
                                "cannot send \(method): the plugin's stdin is closed (it has stopped)")))
                }
            }
        } onCancel: {
            finish(id, with: .failure(CancellationError()))
        }
    }

    /// Completes the call `id` if it is still waiting; a late or unknown answer is ignored.
    private func finish(_ id: Int, with result: Result<RPCResponseLine, any Error>) {
        guard let pending = state.withLock({ $0.pending.removeValue(forKey: id) }) else { return }
        pending.timeout?.cancel()
        pending.continuation.resume(with: result)
    }

    /// A decoded response line from the plugin (event loop).
    func deliver(_ response: RPCResponseLine) {
        responseObserver?(response.head)
        // An answer to an id we no longer wait for (deadline passed, caller cancelled) is dropped;
        // an id-less answer is the plugin refusing a line it could not parse (only raw probes do that).
        guard let id = response.head.id else { return }
        finish(id, with: .success(response))
    }

    /// Ends the connection: every call in flight and every later call fails with `error`.
    func fail(_ error: PluginHostError) {
        let failed: (PluginHostError, [Pending])? = state.withLock { state in
            guard state.failure == nil else { return nil }
            let reported = state.closing ?? error
            state.failure = reported
            defer { state.pending.removeAll() }
            return (reported, Array(state.pending.values))
        }
        guard let (error, pending) = failed else { return }
        for call in pending {
            call.timeout?.cancel()
            call.continuation.resume(throwing: error)
        }
        onFailure(error)
    }

    /// Refuses new calls with `error` from now on; calls in flight carry on.
    func stopAccepting(_ error: PluginHostError) {
        state.withLock { state in
            if state.closing == nil { state.closing = error }
        }
    }

    /// Closes the plugin's stdin: the protocol's request to finish and exit.
    func closeInput() {
        state.withLock { _ in channel.close(mode: .output, promise: nil) }
    }

    func close() {
        channel.close(promise: nil)
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
