#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Synchronization

/// The `file` audit device: lines appended to a file opened with `O_APPEND`, one `write(2)` per
/// line under a lock held only for that call, so lines never interleave and requests wait for
/// each other no longer than a page-cache write. `stdout` writes to the server's standard output,
/// `discard` nowhere. SIGHUP reopens the file, so logrotate can move it away.
package final class FileAuditDevice: AuditDevice {
    package enum Target: Sendable, Equatable {
        case path(String)
        case standardOutput
        case discard
    }

    private struct State {
        /// -1: not open; opened again by the next write (after a failed reopen).
        var fd: Int32 = -1
        var closed = false
    }

    let target: Target
    private let mode: mode_t
    private let state = Mutex(State())

    /// Opens the file now, so that a path that cannot be written fails the enable at once.
    package init(target: Target, mode: UInt32) throws(AuditWriteError) {
        self.target = target
        self.mode = mode_t(mode)
        if case .path(let path) = target {
            let fd = try Self.open(path, mode: self.mode)
            state.withLock { $0.fd = fd }
        }
    }

    /// A device whose file could not be opened at unseal: requests fail closed until a write
    /// (or SIGHUP) manages to open it.
    package init(unopened target: Target, mode: UInt32) {
        self.target = target
        self.mode = mode_t(mode)
    }

    deinit {
        close()
    }

    package func write(_ line: [UInt8]) throws(AuditWriteError) {
        switch target {
        case .discard:
            return
        case .standardOutput:
            try writeFully(STDOUT_FILENO, line, target: "stdout")
        case .path(let path):
            try state.withLock { state throws(AuditWriteError) in
                guard !state.closed else { throw AuditWriteError("the audit device is closed") }
                if state.fd < 0 { state.fd = try Self.open(path, mode: mode) }
                do {
                    try writeFully(state.fd, line, target: path)
                } catch {
                    // As Vault: once more on a fresh descriptor (the file may have been replaced).
                    Glibc.close(state.fd)
                    state.fd = -1
                    state.fd = try Self.open(path, mode: mode)
                    try writeFully(state.fd, line, target: path)
                }
            }
        }
    }

    package func reopen() throws(AuditWriteError) {
        guard case .path(let path) = target else { return }
        try state.withLock { state throws(AuditWriteError) in
            guard !state.closed else { return }
            if state.fd >= 0 { Glibc.close(state.fd) }
            state.fd = -1
            state.fd = try Self.open(path, mode: mode)
        }
    }

    package func close() {
        state.withLock { state in
            if state.fd >= 0 { Glibc.close(state.fd) }
            state.fd = -1
            state.closed = true
        }
    }

    /// Opens for appending, creating the file (and its missing directories, 0700) as Vault does;
    /// the mode is applied to an existing file too, so a rotated file gets it back.
    private static func open(_ path: String, mode: mode_t) throws(AuditWriteError) -> Int32 {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
            do {
                try FileManager.default.createDirectory(
                    atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw AuditWriteError("mkdir \(directory): cannot create the audit log's directory")
            }
        }
        let fd = Glibc.open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, mode == 0 ? 0o600 : mode)
        guard fd >= 0 else { throw .posix("open", path) }
        if mode != 0, fchmod(fd, mode) != 0 {
            let code = errno
            Glibc.close(fd)
            throw .posix("chmod", path, code)
        }
        return fd
    }
}
