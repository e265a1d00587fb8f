import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A plain TCP connection to a test server, for what HTTP client libraries never send: headers
/// that trickle in, several requests in one write, methods they refuse. Its calls block (with
/// deadlines), so run them through `RawConnection.offPool`, never on the cooperative pool.
package final class RawConnection {
    package struct Failure: Error, CustomStringConvertible {
        package var description: String
    }

    private let fd: Int32
    private var buffered: [UInt8] = []
    /// The server closed the connection (end of stream or reset).
    package private(set) var isClosed = false

    /// Connects to `http://host:port` (IPv4 loopback in tests).
    package init(address: String, timeout: Duration = .seconds(5)) throws {
        guard let url = URL(string: address), let host = url.host, let port = url.port else {
            throw Failure(description: "not an http://host:port address: \(address)")
        }
        var socketAddress = sockaddr_in()
        socketAddress.sin_family = sa_family_t(AF_INET)
        socketAddress.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, host, &socketAddress.sin_addr) == 1 else { throw Failure(description: "not an IPv4 host: \(host)") }
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        self.fd = fd
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        let started = withUnsafePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if started != 0 {
            guard errno == EINPROGRESS, Self.wait(for: [fd], events: Int16(POLLOUT), within: timeout).first == true else {
                throw Failure(description: "connect to \(address) did not complete within \(timeout)")
            }
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
            guard error == 0 else { throw Failure(description: "connect to \(address): errno \(error)") }
        }
    }

    deinit { close(fd) }

    /// Writes everything in one call; false if the server has closed the connection.
    @discardableResult
    package func send(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            #if canImport(Glibc)
            let written = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            #else
            let written = bytes[offset...].withUnsafeBytes { Darwin.send(fd, $0.baseAddress, $0.count, 0) }
            #endif
            if written > 0 {
                offset += written
            } else if written < 0 && (errno == EAGAIN || errno == EINTR) {
                guard Self.wait(for: [fd], events: Int16(POLLOUT), within: .seconds(5)).first == true else { return false }
            } else {
                isClosed = true
                return false
            }
        }
        return true
    }

    /// Reads what has arrived, without blocking; true once the server has closed the connection.
    @discardableResult
    package func drain() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while !isClosed {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                buffered += chunk[0..<count]
            } else if count < 0 && (errno == EAGAIN || errno == EINTR) {
                break
            } else {
                isClosed = true
            }
        }
        return isClosed
    }

    /// The next complete response, if it has arrived; taken off what was read.
    package func nextResponse() -> RawHTTPResponse? {
        drain()
        guard let (response, consumed) = RawHTTPResponse.parse(buffered[...]) else { return nil }
        buffered.removeFirst(consumed)
        return response
    }

    /// Waits for `count` responses; fewer if the server closes first or the time runs out.
    package func responses(_ count: Int, within timeout: Duration) -> [RawHTTPResponse] {
        let deadline = ContinuousClock.now + timeout
        var responses: [RawHTTPResponse] = []
        while responses.count < count {
            if let response = nextResponse() {
                responses.append(response)
                continue
            }
            let left = deadline - ContinuousClock.now
            guard !isClosed, left > .zero else { break }
            _ = Self.wait(for: [fd], events: Int16(POLLIN), within: left)
        }
        return responses
    }

    /// Blocks until one of `connections` has something to read (data, end of stream) or the time
    /// runs out.
    package static func waitForActivity(_ connections: [RawConnection], within timeout: Duration) {
        _ = wait(for: connections.filter { !$0.isClosed }.map(\.fd), events: Int16(POLLIN), within: timeout)
    }

    /// Runs blocking socket work on a thread of its own and returns its result.
    package static func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Result { try body() }) }
            thread.name = "custos-testing-raw-connection"
            thread.start()
        }
    }

    private static func wait(for fds: [Int32], events: Int16, within timeout: Duration) -> [Bool] {
        var polled = fds.map { pollfd(fd: $0, events: events, revents: 0) }
        let milliseconds = Int32(clamping: max(0, timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000))
        _ = poll(&polled, nfds_t(polled.count), milliseconds)
        return polled.map { $0.revents != 0 }
    }
}

/// One HTTP/1.1 response as read off a raw connection (Content-Length bodies, as Custos sends).
package struct RawHTTPResponse: Sendable {
    package var status: Int
    package var headers: [(String, String)]
    package var body: [UInt8]
    package var text: String { String(decoding: body, as: UTF8.self) }

    /// A complete response at the start of `bytes` and how many bytes it took; nil if incomplete.
    /// A response to HEAD is `bodiless`: its Content-Length is that of the GET it stands for.
    static func parse(_ bytes: ArraySlice<UInt8>, bodiless: Bool = false) -> (RawHTTPResponse, Int)? {
        let separator = Array("\r\n\r\n".utf8)
        guard let headEnd = bytes.indices.first(where: { bytes[$0...].starts(with: separator) }) else { return nil }
        let lines = String(decoding: bytes[bytes.startIndex..<headEnd], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { return nil }
        let headers = lines.dropFirst().compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (line[..<colon].lowercased(), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        let length = bodiless ? 0 : headers.first { $0.0 == "content-length" }.flatMap { Int($0.1) } ?? 0
        let bodyStart = headEnd + separator.count
        guard bytes.endIndex - bodyStart >= length else { return nil }
        let response = RawHTTPResponse(status: status, headers: headers, body: Array(bytes[bodyStart..<(bodyStart + length)]))
        return (response, bodyStart + length - bytes.startIndex)
    }
}
