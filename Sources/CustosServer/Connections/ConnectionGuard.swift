import NIOCore

/// One connection's deadlines (Vault's `http_read_header_timeout`, `http_read_timeout`,
/// `http_write_timeout`, `http_idle_timeout`) and its standing with the listener's
/// `ConnectionLimiter`. It sits first in the pipeline (after TLS) to see every byte; the
/// `RequestPartObserver` behind the HTTP decoder reports where requests and responses end.
///
/// A deadline is set once and never pushed back by further bytes, so trickling a header one
/// byte at a time does not keep a connection open. A deadline that passes closes the connection,
/// silently, as Go's server does.
///
/// The four deadlines share one event-loop timer armed at the earliest of them. Setting or
/// clearing a deadline only stores a time; the timer is re-armed when it fires early (its
/// deadline was cleared) or when a new deadline is earlier than it, so a kept-alive connection
/// schedules nothing per request in the steady state.
final class ConnectionGuard: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let timeouts: ConnectionTimeouts
    private let limiter: ConnectionLimiter
    private var context: ChannelHandlerContext?
    private var id: UInt64?
    private var started = false

    /// A request has begun (first byte) and its header is not complete.
    private var headerPending = false
    /// A request's header is complete and its body is not.
    private var bodyPending = false
    /// Requests whose header arrived and whose response is not written yet.
    private var inFlight = 0

    private var headerDeadline: NIODeadline?
    private var readDeadline: NIODeadline?
    private var writeDeadline: NIODeadline?
    private var idleDeadline: NIODeadline?
    /// The one timer, and the time it is armed for.
    private var timer: Scheduled<Void>?
    private var timerDeadline: NIODeadline?
    private var reportedPhase: ConnectionLimiter.Phase?

    init(timeouts: ConnectionTimeouts, limiter: ConnectionLimiter) {
        self.timeouts = timeouts
        self.limiter = limiter
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { start(context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stop()
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        stop()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // The first byte after a finished request starts the next one.
        if !headerPending && !bodyPending { beginRequest() }
        context.fireChannelRead(data)
    }

    // MARK: Reported by `RequestPartObserver`

    func requestHeadReceived() {
        headerPending = false
        bodyPending = true
        inFlight += 1
        cancel(&headerDeadline)
        cancel(&idleDeadline)
        // A pipelined request may have begun inside the previous one's last read.
        if readDeadline == nil { readDeadline = schedule(timeouts.read) }
        if writeDeadline == nil { writeDeadline = schedule(timeouts.write) }
        report()
    }

    func requestEnded() {
        bodyPending = false
        cancel(&readDeadline)
    }

    func responseEnded() {
        inFlight = max(0, inFlight - 1)
        cancel(&writeDeadline)
        // Go resets the write deadline for each request read.
        if inFlight > 0 { writeDeadline = schedule(timeouts.write) }
        if inFlight == 0 && !headerPending && !bodyPending && idleDeadline == nil { idleDeadline = schedule(timeouts.idle) }
        report()
    }

    // MARK: State

    private func start(_ context: ChannelHandlerContext) {
        guard !started else { return }
        started = true
        guard let id = limiter.admit(context.channel) else {
            context.close(promise: nil)
            return
        }
        self.id = id
        beginRequest()
    }

    private func stop() {
        headerDeadline = nil
        readDeadline = nil
        writeDeadline = nil
        idleDeadline = nil
        timer?.cancel()
        timer = nil
        timerDeadline = nil
        if let id {
            limiter.closed(id)
            self.id = nil
        }
    }

    private func beginRequest() {
        headerPending = true
        cancel(&idleDeadline)
        if headerDeadline == nil { headerDeadline = schedule(timeouts.header) }
        if readDeadline == nil { readDeadline = schedule(timeouts.read) }
        report()
    }

    /// Connections with a request under way are never shed; see `ConnectionTable`.
    private func report() {
        guard let id else { return }
        let phase: ConnectionLimiter.Phase =
            inFlight > 0 || bodyPending ? .busy : headerPending ? .awaitingHeader : .idle
        guard phase != reportedPhase else { return }
        reportedPhase = phase
        limiter.update(id, to: phase)
    }

    /// A deadline `timeout` from now (nil: none), with the timer armed no later than it.
    private func schedule(_ timeout: Duration?) -> NIODeadline? {
        guard let timeout, context != nil else { return nil }
        let deadline = NIODeadline.now() + TimeAmount(timeout)
        if timerDeadline.map({ deadline < $0 }) ?? true { arm(at: deadline) }
        return deadline
    }

    private func cancel(_ deadline: inout NIODeadline?) {
        deadline = nil
    }

    private func arm(at deadline: NIODeadline) {
        guard let context else { return }
        timer?.cancel()
        timerDeadline = deadline
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [self] in
            timerFired()
        }
    }

    private func timerFired() {
        timer = nil
        timerDeadline = nil
        let pending = [headerDeadline, readDeadline, writeDeadline, idleDeadline].compactMap { $0 }
        guard let earliest = pending.min() else { return }
        if earliest <= .now() {
            context?.close(promise: nil)
        } else {
            arm(at: earliest)
        }
    }
}
