#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Synchronization

/// The connection a network audit device (`socket`, `syslog`) sends its lines over: opened on
/// first use, and again once after a failed send (as Vault retries a line once).
///
/// It lives on its own serial queue, and requests await their line's turn there: a collector
/// that stops reading, a slow connect or a DNS lookup then blocks that queue's thread, not the
/// concurrency pool's (two threads on two cores, which every request needs). Lines leave in the
/// order they were handed in.
final class AuditConnection: Sendable {
    /// Opens a connected socket with its send timeout set. Runs on the queue.
    typealias Opener = @Sendable () throws(AuditWriteError) -> Int32

    /// For error messages: the address or path.
    let target: String
    private let open: Opener
    /// The descriptor, -1 when none. Only touched on `queue` (and in deinit, when nothing else can).
    private let descriptor = Mutex<Int32>(-1)
    private let closed = Atomic<Bool>(false)
    private let queue: DispatchQueue

    init(target: String, label: String, open: @escaping Opener) {
        self.target = target
        self.open = open
        self.queue = DispatchQueue(label: label)
    }

    deinit {
        // Queued work holds the connection, so nothing is queued any more.
        descriptor.withLock { fd in
            if fd >= 0 { Glibc.close(fd) }
            fd = -1
        }
    }

    /// Sends `bytes` whole, or throws when they may not have arrived.
    func send(_ bytes: [UInt8]) async throws(AuditWriteError) {
        guard !closed.load(ordering: .acquiring) else { throw AuditWriteError("the audit device is closed") }
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<Void, AuditWriteError>, Never>) in
            queue.async {
                continuation.resume(returning: Result { () throws(AuditWriteError) in try self.sendNow(bytes) })
            }
        }
        try result.get()
    }

    /// Connects now, on the caller's thread: a device being enabled must prove it can reach its
    /// target before it is stored (nothing else uses the connection yet).
    func connectNow() throws(AuditWriteError) {
        try descriptor.withLock { fd throws(AuditWriteError) in
            if fd < 0 { fd = try open() }
        }
    }

    /// The next line connects afresh.
    func reopen() {
        queue.async { self.disconnect() }
    }

    /// Lines not yet sent fail; a send under way ends within its timeout, then the connection closes.
    func close() {
        closed.store(true, ordering: .releasing)
        queue.async { self.disconnect() }
    }

    /// On `queue`.
    private func sendNow(_ bytes: [UInt8]) throws(AuditWriteError) {
        try descriptor.withLock { fd throws(AuditWriteError) in
            guard !closed.load(ordering: .acquiring) else { throw AuditWriteError("the audit device is closed") }
            if fd >= 0 {
                do {
                    try Self.sendAll(fd, bytes, target: target)
                    return
                } catch {
                    Glibc.close(fd)
                    fd = -1
                }
            }
            fd = try open()
            do throws(AuditWriteError) {
                try Self.sendAll(fd, bytes, target: target)
            } catch {
                Glibc.close(fd)
                fd = -1
                throw error
            }
        }
    }

    /// On `queue`.
    private func disconnect() {
        descriptor.withLock { fd in
            if fd >= 0 { Glibc.close(fd) }
            fd = -1
        }
    }

    /// A datagram goes in one call or fails; a stream may take several.
    private static func sendAll(_ fd: Int32, _ bytes: [UInt8], target: String) throws(AuditWriteError) {
        var offset = 0
        while offset < bytes.count {
            // MSG_NOSIGNAL: a collector that went away is an error here, not a SIGPIPE for the server.
            let sent = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if sent < 0 {
                if errno == EINTR { continue }
                throw .posix("write", target)
            }
            offset += sent
        }
    }

    // MARK: Opening sockets

    /// Bounds each send (and a TCP or Unix stream connect) by `milliseconds`.
    static func setSendTimeout(_ fd: Int32, milliseconds: Int64) {
        var timeout = timeval(tv_sec: Int(milliseconds / 1000), tv_usec: Int((milliseconds % 1000) * 1000))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// A Unix socket of `type` (`SOCK_STREAM`, `SOCK_DGRAM`) connected to `path`.
    static func connectUnix(_ path: String, type: Int32, timeoutMilliseconds: Int64) throws(AuditWriteError) -> Int32 {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw AuditWriteError("dial unix \(path): the socket path is too long")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in bytes.enumerated() { buffer[index] = byte }
        }
        let fd = socket(AF_UNIX, type | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .posix("socket", path) }
        setSendTimeout(fd, milliseconds: timeoutMilliseconds)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard result == 0 else {
            let code = errno
            Glibc.close(fd)
            throw .posix("dial unix", path, code)
        }
        return fd
    }
}
