#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Raw `read(2)`/`write(2)` on file descriptors: the protocol's stdin/stdout go through these,
/// not through Foundation or `print`, so nothing is buffered behind our back.
enum FileDescriptorIO {
    /// Writes every byte, retrying on EINTR and short writes. Returns false when the descriptor
    /// is gone (EPIPE and the like; SIGPIPE is ignored by `serve`).
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        var offset = 0
        while offset < bytes.count {
            let written = write(fd, base + offset, bytes.count - offset)
            if written > 0 {
                offset += written
            } else if written < 0 && errno == EINTR {
                continue
            } else {
                return false
            }
        }
        return true
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { writeAll(fd, $0) }
    }

    /// Reads up to `buffer.count` bytes; 0 at end of input; nil on an error other than EINTR.
    static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) -> Int? {
        while true {
            let count = posixRead(fd, buffer.baseAddress, buffer.count)
            if count >= 0 { return count }
            if errno == EINTR { continue }
            return nil
        }
    }

    /// Moves the protocol channel off fd 1: returns a private duplicate of stdout for responses
    /// and points fd 1 at stderr, so a stray `print` in plugin code (or a library) lands in the
    /// log instead of corrupting the protocol stream.
    static func takeOverStdout() -> Int32 {
        let protocolFD = dup(1)
        guard protocolFD >= 0 else { return 1 }
        _ = fcntl(protocolFD, F_SETFD, FD_CLOEXEC)
        _ = dup2(2, 1)
        return protocolFD
    }

    /// Ignores SIGPIPE so that writing to a dead host fails with EPIPE instead of killing us.
    static func ignoreSIGPIPE() {
        _ = signal(SIGPIPE, SIG_IGN)
    }
}

// `read` inside FileDescriptorIO would resolve to the static method; name the C one explicitly.
private func posixRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    #if canImport(Darwin)
    return Darwin.read(fd, buffer, count)
    #elseif canImport(Musl)
    return Musl.read(fd, buffer, count)
    #else
    return Glibc.read(fd, buffer, count)
    #endif
}
