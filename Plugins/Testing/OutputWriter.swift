import Foundation

/// Writes whole response lines to stdout from any thread, never interleaved. Responses produced
/// while handling one read chunk are batched into one write(2).
final class OutputWriter: @unchecked Sendable {
    private let lock = NSLock()
    private var batch: [UInt8] = []
    private var batching = false

    func beginBatch() {
        lock.withLock { batching = true }
    }

    func endBatch() {
        lock.withLock {
            batching = false
            flushLocked()
        }
    }

    func writeLine(_ bytes: [UInt8]) {
        lock.withLock {
            batch.append(contentsOf: bytes)
            batch.append(0x0A)
            if !batching { flushLocked() }
        }
    }

    /// Raw bytes, unbatched (garbage and oversized-line modes).
    func writeRaw(_ bytes: [UInt8]) {
        lock.withLock {
            flushLocked()
            batch = bytes
            flushLocked()
        }
    }

    private func flushLocked() {
        var offset = 0
        while offset < batch.count {
            let written = batch[offset...].withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                exit(0)  // the host is gone
            }
            offset += written
        }
        batch.removeAll(keepingCapacity: true)
    }
}

enum StandardError {
    static func line(_ text: String) {
        let bytes = Array((text + "\n").utf8)
        _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }
}
