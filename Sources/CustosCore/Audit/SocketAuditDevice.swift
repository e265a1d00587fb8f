#if canImport(Glibc)
import Glibc
#endif

/// The `socket` audit device: lines sent over one TCP or Unix stream connection (an
/// `AuditConnection`: its own queue, connected on first use and again after a failure). Each
/// send is bounded by `write_timeout` (SO_SNDTIMEO, which also bounds the connect), so a stuck
/// collector fails the request instead of hanging it.
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
    private let connection: AuditConnection

    package init(_ configuration: Configuration) {
        self.configuration = configuration
        self.connection = AuditConnection(target: configuration.address, label: "custos.audit.socket") {
            () throws(AuditWriteError) -> Int32 in
            switch configuration.network {
            case .unix:
                try AuditConnection.connectUnix(
                    configuration.address, type: Int32(SOCK_STREAM.rawValue), timeoutMilliseconds: configuration.writeTimeoutMilliseconds)
            case .tcp:
                try Self.connectTCP(configuration)
            }
        }
    }

    package func write(_ line: [UInt8]) async throws(AuditWriteError) {
        try await connection.send(line)
    }

    /// The next line connects afresh.
    package func reopen() throws(AuditWriteError) {
        connection.reopen()
    }

    package func close() {
        connection.close()
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

    private static func connectTCP(_ configuration: Configuration) throws(AuditWriteError) -> Int32 {
        guard let (host, port) = hostAndPort(configuration.address) else {
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
            AuditConnection.setSendTimeout(fd, milliseconds: configuration.writeTimeoutMilliseconds)
            if Glibc.connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 { return fd }
            lastError = errno
            Glibc.close(fd)
        }
        throw .posix("dial tcp", configuration.address, lastError)
    }
}
