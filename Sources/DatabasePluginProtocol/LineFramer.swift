#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Splits a byte stream into `\n`-terminated lines (the protocol's messages).
///
/// A line longer than `maxLineBytes` is a protocol error: `append` throws once it sees one, drops
/// that line's bytes (up to and including its `\n`) and keeps every other line, so a caller that
/// wants to go on can, and one that wants to stop can. Lines come out without the `\n` (and
/// without a trailing `\r`, for peers that write CRLF).
public struct LineFramer: Sendable {
    public let maxLineBytes: Int
    private var partial: [UInt8] = []
    private var ready: [[UInt8]] = []
    private var readyHead = 0
    /// Inside an oversized line: drop bytes until its `\n`.
    private var discarding = false

    public init(maxLineBytes: Int = pluginMaxMessageBytes) {
        self.maxLineBytes = maxLineBytes
    }

    /// Number of complete lines waiting for `nextLine()`.
    public var readyCount: Int { ready.count - readyHead }

    /// Bytes of the unfinished last line.
    public var pendingByteCount: Int { partial.count }

    public mutating func append(_ bytes: some Sequence<UInt8>) throws(PluginError) {
        let oversized: Bool
        if let result = bytes.withContiguousStorageIfAvailable({ append(contiguous: $0) }) {
            oversized = result
        } else {
            oversized = Array(bytes).withUnsafeBufferPointer { append(contiguous: $0) }
        }
        if oversized {
            throw PluginError(.invalidRequest, "message longer than \(maxLineBytes) bytes")
        }
    }

    /// The next complete line, oldest first; `nil` when none is complete yet.
    public mutating func nextLine() -> [UInt8]? {
        guard readyHead < ready.count else { return nil }
        let line = ready[readyHead]
        ready[readyHead] = []
        readyHead += 1
        if readyHead == ready.count {
            ready.removeAll(keepingCapacity: true)
            readyHead = 0
        }
        return line
    }

    /// Returns whether an oversized line was seen.
    private mutating func append(contiguous bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return false }
        var oversized = false
        var position = 0
        while position < bytes.count {
            let remaining = bytes.count - position
            let found = memchr(base + position, 0x0A, remaining)
            let segmentEnd = found.map { UnsafeRawPointer(base).distance(to: UnsafeRawPointer($0)) } ?? bytes.count
            let segment = UnsafeBufferPointer(rebasing: bytes[position..<segmentEnd])
            if discarding {
                // still inside a line already reported as oversized
            } else if partial.count + segment.count > maxLineBytes {
                oversized = true
                discarding = true
                partial.removeAll(keepingCapacity: false)
            } else {
                partial.append(contentsOf: segment)
            }
            if found != nil {
                if !discarding {
                    if partial.last == 0x0D { partial.removeLast() }
                    ready.append(partial)
                    partial = []
                }
                discarding = false
                position = segmentEnd + 1
            } else {
                position = segmentEnd
            }
        }
        return oversized
    }
}
