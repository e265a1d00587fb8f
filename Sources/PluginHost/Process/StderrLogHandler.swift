import Logging
import NIOCore

/// Limits how much of a plugin's stderr reaches the server log: lines are cut at
/// `maxLineBytes` and at most `burst` lines pass, refilled at `linesPerSecond`; dropped lines are
/// counted and reported once logging resumes. A plugin flooding stderr costs the host a bounded
/// amount of work per byte and no memory growth.
struct StderrRateLimiter {
    let maxLineBytes: Int
    let linesPerSecond: Double
    let burst: Double
    private var tokens: Double
    private var lastRefill: NIODeadline?
    private(set) var dropped = 0

    init(maxLineBytes: Int = 2048, linesPerSecond: Double = 50, burst: Double = 200) {
        self.maxLineBytes = maxLineBytes
        self.linesPerSecond = linesPerSecond
        self.burst = burst
        self.tokens = burst
    }

    /// Returns how many dropped lines to report before this one (0 if none), or nil to drop it.
    mutating func admit(now: NIODeadline) -> Int? {
        if let lastRefill {
            let seconds = Double((now - lastRefill).nanoseconds) / 1e9
            tokens = min(burst, tokens + seconds * linesPerSecond)
        }
        lastRefill = now
        guard tokens >= 1 else {
            dropped += 1
            return nil
        }
        tokens -= 1
        defer { dropped = 0 }
        return dropped
    }
}

/// Reads a plugin's stderr and logs each line (truncated, rate-limited) with `plugin` and `pid`.
final class StderrLogHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private var logger: Logger
    private var limiter: StderrRateLimiter
    private var pending: [UInt8] = []
    /// Set while skipping the rest of an over-long line.
    private var truncating = false

    init(logger: Logger, limiter: StderrRateLimiter = StderrRateLimiter()) {
        self.logger = logger
        self.limiter = limiter
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        var rest = buffer.readableBytesView[...]
        while let newline = rest.firstIndex(of: UInt8(ascii: "\n")) {
            append(rest[..<newline])
            if !truncating { emit(truncated: false) }
            truncating = false
            pending.removeAll(keepingCapacity: true)
            rest = rest[rest.index(after: newline)...]
        }
        append(rest)
    }

    /// Adds part of a line, cutting it (and skipping its remainder) at `maxLineBytes`.
    private func append(_ bytes: ByteBufferView.SubSequence) {
        guard !truncating, !bytes.isEmpty else { return }
        let room = limiter.maxLineBytes - pending.count
        pending.append(contentsOf: bytes.prefix(room))
        if bytes.count >= room {
            emit(truncated: true)
            truncating = true
            pending.removeAll(keepingCapacity: true)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !pending.isEmpty && !truncating { emit(truncated: false) }
        if limiter.dropped > 0 {
            logger.warning("plugin stderr lines dropped (rate limit)", metadata: ["dropped": "\(limiter.dropped)"])
        }
        context.fireChannelInactive()
    }

    private func emit(truncated: Bool) {
        guard let droppedBefore = limiter.admit(now: .now()) else { return }
        if droppedBefore > 0 {
            logger.warning("plugin stderr lines dropped (rate limit)", metadata: ["dropped": "\(droppedBefore)"])
        }
        let text = String(decoding: pending, as: UTF8.self)
        if truncated {
            logger.info("\(text)", metadata: ["truncated": "true"])
        } else {
            logger.info("\(text)")
        }
    }
}
