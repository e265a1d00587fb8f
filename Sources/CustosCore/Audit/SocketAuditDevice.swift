#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Foundation
import Synchronization

/// The `socket` audit device: lines sent over one TCP or Unix stream connection, opened on first
/// use and again after a failure (once per line, as Vault retries). Each send is bounded by
/// `write_timeout` (SO_SNDTIMEO, which also bounds the TCP connect), so a stuck collector fails
/// the request instead of hanging it.
///
/// The connection lives on the device's own serial queue, and requests await their line's turn
/// there: a collector that stops reading, a slow connect or a DNS lookup then blocks that queue's
/// thread, not the concurrency pool's (two threads on two cores, which every request needs).
package final class SocketAuditDevice: AuditDevice {
    package enum Network: String, Sendable, Equatable {
        case tcp, unix
    }

    package struct Configuration: Sendable, Equatable {
        package var network: Network
        package var address: String
        package var writeTimeoutMilliseconds: Int64
    }

    let configuration: Configuration
    /// The connection, -1 when none. Only touched on `queue` (and in deinit, when nothing else can).
    private let connection = Mutex<Int32>(-1)
    private let closed = Atomic<Bool>(false)
    private let queue = DispatchQueue(label: "custos.audit.socket")

    package init(_ configuration: Configuration) {
        self.configuration = configuration
    }

    deinit {
        // Queued work holds the device, so nothing is queued any more.
        connection.withLock { fd in
            if fd >= 0 { Glibc.close(fd) }
            fd = -1
        }
    }

    package func write(_ line: [UInt8]) async throws(AuditWriteError) {
        guard !closed.load(ordering: .acquiring) else { throw AuditWriteError("the audit device is closed") }
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<Void, AuditWriteError>, Never>) in
            queue.async {
                continuation.resume(returning: Result { () throws(AuditWriteError) in try self.send(line) })
            }
        }
        try result.get()
    }

    /// The next line connects afresh.
    package func reopen() throws(AuditWriteError) {
        queue.async { self.disconnect() }
    }

    /// Lines not yet sent fail; a send under way ends within its timeout, then the connection closes.
    package func close() {
        closed.store(true, ordering: .releasing)
        queue.async { self.disconnect() }
    }

    /// On `queue`: sends one line, connecting first when needed, once more on a fresh connection
    /// when the old one fails.
    private func send(_ line: [UInt8]) throws(AuditWriteError) {
        try connection.withLock { fd throws(AuditWriteError) in
            guard !closed.load(ordering: .acquiring) else { throw AuditWriteError("the audit device is closed") }
            if fd >= 0 {
                do {
                    try send(fd, line)
                    return
                } catch {
                    Glibc.close(fd)
                    fd = -1
                }
            }
            fd = try connect()
            do throws(AuditWriteError) {
                try send(fd, line)
            } catch {
                Glibc.close(fd)
                fd = -1
                throw error
            }
        }
    }

    /// On `queue`.
    private func disconnect() {
        connection.withLock { fd in
            if fd >= 0 { Glibc.close(fd) }
            fd = -1
        }
    }

    /// `host:port`, IPv6 hosts in brackets.
    static func hostAndPort(_ address: String) -> (host: String, port: String)? {
        guard let colon = address.lastIndex(of: ":") else { return nil }
        var host = String(address[..<colon])
        let port = String(address[address.index(after: colon)...])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, let number = UInt16(port), number > 0 else { return nil }
        return (host, port)
    }

    private func send(_ fd: Int32, _ bytes: [UInt8]) throws(AuditWriteError) {
        var offset = 0
        while offset < bytes.count {
            // MSG_NOSIGNAL: a collector that went away is an error here, not a SIGPIPE for the server.
            let sent = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if sent < 0 {
                if errno == EINTR { continue }
                throw .posix("write", configuration.address)
            }
            offset += sent
        }
    }

    private func connect() throws(AuditWriteError) -> Int32 {
        switch configuration.network {
        case .unix: return try connectUnix()
        case .tcp: return try connectTCP()
        }
    }

    private func configured(_ fd: Int32) {
        let milliseconds = configuration.writeTimeoutMilliseconds
        var timeout = timeval(tv_sec: Int(milliseconds / 1000), tv_usec: Int((milliseconds % 1000) * 1000))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    private func connectUnix() throws(AuditWriteError) -> Int32 {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let path = Array(configuration.address.utf8)
        guard path.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw AuditWriteError("dial unix \(configuration.address): the socket path is too long")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in path.enumerated() { buffer[index] = byte }
        }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .posix("socket", configuration.address) }
        configured(fd)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard result == 0 else {
            let code = errno
            Glibc.close(fd)
            throw .posix("dial unix", configuration.address, code)
        }
        return fd
    }

    private func connectTCP() throws(AuditWriteError) -> Int32 {
        guard let (host, port) = Self.hostAndPort(configuration.address) else {
            throw AuditWriteError("dial tcp \(configuration.address): use host:port")
        }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_family = AF_UNSPEC
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, port, &hints, &list) == 0, let first = list else {
            throw AuditWriteError("dial tcp \(configuration.address): cannot resolve the host")
        }
        defer { freeaddrinfo(list) }
        var lastError: Int32 = ECONNREFUSED
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        while let info = candidate {
            candidate = info.pointee.ai_next
            let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), info.pointee.ai_protocol)
            guard fd >= 0 else { lastError = errno; continue }
            configured(fd)
            if Glibc.connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 { return fd }
            lastError = errno
            Glibc.close(fd)
        }
        throw .posix("dial tcp", configuration.address, lastError)
    }
}
