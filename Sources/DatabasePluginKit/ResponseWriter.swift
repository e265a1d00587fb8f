import Foundation
import Synchronization

/// The single writer of protocol output: whole response lines, never interleaved, batched.
///
/// Whoever finds the writer idle becomes the flusher and writes everything queued, including
/// lines other tasks add while its `write(2)` runs; those tasks return at once. So under load
/// several responses leave in one system call, and when idle a response leaves without a
/// thread hop.
final class ResponseWriter: Sendable {
    private struct State {
        var pending: [UInt8] = []
        var flushing = false

        mutating func takePending() -> [UInt8] {
            var bytes: [UInt8] = []
            swap(&bytes, &pending)
            return bytes
        }
    }

    private let fd: Int32
    private let state = Mutex(State())

    init(fd: Int32) {
        self.fd = fd
    }

    /// Queues one line (which must end with `\n` and hold no other newline) and writes it, or
    /// leaves it to the flusher already at work.
    func send(_ line: [UInt8]) {
        var batch = state.withLock { state -> [UInt8]? in
            state.pending.append(contentsOf: line)
            guard !state.flushing else { return nil }
            state.flushing = true
            return state.takePending()
        }
        while let bytes = batch {
            guard FileDescriptorIO.writeAll(fd, bytes) else {
                // The host is gone; nobody is left to answer, and stdin will end too.
                PluginLog.write(.error, "cannot write to the host (stdout closed); exiting")
                exit(1)
            }
            batch = state.withLock { state -> [UInt8]? in
                guard !state.pending.isEmpty else {
                    state.flushing = false
                    return nil
                }
                return state.takePending()
            }
        }
    }
}
