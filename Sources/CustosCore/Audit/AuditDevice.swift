#if canImport(Glibc)
import Glibc
#endif

/// Where audit lines go. A device writes each line whole or not at all as far as it can tell,
/// is safe to call from any number of requests at once, and never blocks them behind each other
/// longer than one write. A write that can wait on something outside the process (a socket)
/// suspends the request instead of holding one of the concurrency pool's few threads.
package protocol AuditDevice: Sendable {
    /// Writes one line (newline included). Throws when the line may not have reached its target.
    func write(_ line: [UInt8]) async throws(AuditWriteError)
    /// Closes and opens the target again (SIGHUP, after logrotate moved the file).
    func reopen() throws(AuditWriteError)
    /// Releases the target for good (seal, disable).
    func close()
}

/// Why a device could not write: for the server log, never with the line's content.
package struct AuditWriteError: Error, Sendable, CustomStringConvertible {
    package var description: String

    package init(_ description: String) {
        self.description = description
    }

    /// The failed call and `errno`'s text (`open /var/log/x: Permission denied`).
    static func posix(_ call: String, _ target: String, _ code: Int32 = errno) -> AuditWriteError {
        AuditWriteError("\(call) \(target): \(String(cString: strerror(code)))")
    }
}

/// Writes all of `bytes` to `fd`, retrying after signals; a regular file in append mode takes
/// it in one call, the loop only matters for sockets and full disks.
func writeFully(_ fd: Int32, _ bytes: [UInt8], target: String) throws(AuditWriteError) {
    var offset = 0
    while offset < bytes.count {
        let written = bytes.withUnsafeBytes { buffer in
            Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
        }
        if written < 0 {
            if errno == EINTR { continue }
            throw .posix("write", target)
        }
        if written == 0 { throw AuditWriteError("write \(target): no progress") }
        offset += written
    }
}
