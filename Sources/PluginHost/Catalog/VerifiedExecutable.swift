import Crypto
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A plugin binary or `#!` script copied, while being hashed, into a private directory made for
/// this one launch: the copy is what runs, so what runs is byte for byte what was verified.
///
/// Why a copy: checking a path and then executing that path runs whatever is there at exec time
/// (a rename in between swaps the file). Executing the hashed descriptor instead
/// (`/proc/<pid>/fd/N`) still loses to a write in place after the hash, and a script's interpreter
/// opens the script again by name after exec. The copy's directory is created 0700 by mkdtemp
/// under `$TMPDIR`, so only the server's own user can change it; it is removed once the process
/// has exited (`remove()`, or when the last reference goes). A server that dies first leaves it
/// behind, holding nothing: `removeStale` clears such directories at the next start.
package final class VerifiedExecutable: Sendable {
    /// The verified copy: the file to execute. It keeps the original's file name.
    package let path: String
    private let directory: String
    /// An exclusive `flock` on the directory's owner file, held while this copy exists. The kernel
    /// drops it when the server dies, however it dies; that is how `removeStale` tells a
    /// directory left behind from one in use.
    private let ownerLock: Int32
    private let removed = Mutex(false)

    static let directoryPrefix = "custos-plugin-"
    static let ownerFileName = ".custos-owner"

    private init(path: String, directory: String, ownerLock: Int32) {
        self.path = path
        self.directory = directory
        self.ownerLock = ownerLock
    }

    deinit {
        remove()
    }

    /// Copies `source` into a fresh private directory, hashing exactly the bytes copied; throws
    /// `.checksumMismatch` (and leaves nothing behind) unless their SHA-256 is `expectedSHA256`.
    package static func copy(
        of source: String, expectedSHA256: String, plugin: String,
        temporaryDirectory: String = FileManager.default.temporaryDirectory.path
    ) throws(PluginHostError) -> VerifiedExecutable {
        // O_NONBLOCK: a FIFO swapped in must not hang the launch; it is refused just below.
        let input = open(source, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)
        guard input >= 0 else {
            throw PluginHostError(.commandNotFound, plugin: plugin, "cannot open the plugin binary to verify it")
        }
        defer { close(input) }
        var info = stat()
        guard fstat(input, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            throw PluginHostError(.commandNotExecutable, plugin: plugin, "the plugin binary is not a regular file")
        }

        var template = Array((temporaryDirectory + "/" + directoryPrefix + "XXXXXX").utf8CString)
        guard let created = mkdtemp(&template) else {
            throw PluginHostError(
                .spawnFailed, plugin: plugin,
                "cannot create a private directory for the plugin binary in \(temporaryDirectory) (errno \(errno))")
        }
        let directory = String(cString: created)
        let ownerPath = directory + "/" + ownerFileName
        let ownerLock = open(ownerPath, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard ownerLock >= 0, flock(ownerLock, LOCK_EX | LOCK_NB) == 0 else {
            let failure = errno
            if ownerLock >= 0 { close(ownerLock) }
            unlink(ownerPath)
            rmdir(directory)
            throw PluginHostError(.spawnFailed, plugin: plugin, "cannot lock the plugin's private directory (errno \(failure))")
        }
        let name = source.split(separator: "/").last.map(String.init) ?? "plugin"
        let executable = VerifiedExecutable(path: directory + "/" + name, directory: directory, ownerLock: ownerLock)
        // From here on, a failure removes the directory (through `executable`'s deinit).
        try checkExecutableFileSystem(directory, plugin: plugin)
        let actual = try executable.fill(from: input, plugin: plugin)
        let expected = expectedSHA256.lowercased()
        guard actual == expected else {
            throw PluginHostError(
                .checksumMismatch, plugin: plugin,
                "the binary's SHA-256 \(actual) does not match the catalog's \(expected); not starting it")
        }
        return executable
    }

    /// Removes the copy and its directory; idempotent.
    package func remove() {
        let first = removed.withLock { removed in
            defer { removed = true }
            return !removed
        }
        guard first else { return }
        unlink(path)
        unlink(directory + "/" + Self.ownerFileName)
        rmdir(directory)
        // Last: until the directory is gone, a sweep sees it held.
        close(ownerLock)
    }

    /// Removes the private directories that servers which died (kill -9, a crash, a power cut
    /// for a persistent `$TMPDIR`) left behind: this user's `custos-plugin-*` directories whose
    /// owner lock no process holds, and those without an owner file that are older than
    /// `unownedAge` seconds (a crash between creating one and locking it). Returns how many it removed.
    @discardableResult
    package static func removeStale(
        in temporaryDirectory: String = FileManager.default.temporaryDirectory.path, unownedAge: Int = 600
    ) -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: temporaryDirectory)) ?? []
        var removed = 0
        for name in names where name.hasPrefix(directoryPrefix) {
            let directory = temporaryDirectory + "/" + name
            var info = stat()
            // Only real directories of this user: `$TMPDIR` is shared, and its sticky bit keeps
            // others from renaming ours, so what is checked here is what gets removed.
            guard lstat(directory, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR, info.st_uid == geteuid() else { continue }
            let owner = open(directory + "/" + ownerFileName, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
            if owner >= 0 {
                defer { close(owner) }
                guard flock(owner, LOCK_EX | LOCK_NB) == 0 else { continue }
                // The lock is free because its holder just removed the directory, and a new
                // launch may have made one of the same name since: only the file locked counts.
                var locked = stat()
                var current = stat()
                guard fstat(owner, &locked) == 0, lstat(directory + "/" + ownerFileName, &current) == 0,
                      locked.st_ino == current.st_ino, locked.st_dev == current.st_dev else { continue }
            } else {
                let age = time(nil) - info.st_mtim.tv_sec
                guard age > unownedAge else { continue }
            }
            if (try? FileManager.default.removeItem(atPath: directory)) != nil { removed += 1 }
        }
        return removed
    }

    /// Writes the copy (owner read and execute only) from `input`; returns the SHA-256 of what it wrote.
    private func fill(from input: CInt, plugin: String) throws(PluginHostError) -> String {
        let output = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o500)
        // fchmod: the mode given to open is cut down by the umask.
        guard output >= 0, fchmod(output, 0o500) == 0 else {
            let failure = errno
            if output >= 0 { close(output) }
            throw PluginHostError(.spawnFailed, plugin: plugin, "cannot copy the plugin binary (errno \(failure))")
        }
        var hasher = SHA256()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var failure: Int32?
        copying: while true {
            let count = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else {
                failure = errno
                break
            }
            if count == 0 { break }
            let chunk = buffer[0..<count]
            chunk.withUnsafeBytes { hasher.update(bufferPointer: $0) }
            var offset = 0
            while offset < count {
                let written = chunk[offset...].withUnsafeBytes { write(output, $0.baseAddress, $0.count) }
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else {
                    failure = errno
                    break copying
                }
                offset += written
            }
        }
        // The descriptor must be gone before exec: a file open for writing cannot be executed.
        if close(output) != 0, failure == nil { failure = errno }
        if let failure {
            throw PluginHostError(.spawnFailed, plugin: plugin, "cannot copy the plugin binary (errno \(failure))")
        }
        return FileChecksum.hex(hasher.finalize())
    }

    /// Refuses a `$TMPDIR` mounted noexec up front, with a message that says what to change
    /// (the exec itself would only report EACCES).
    private static func checkExecutableFileSystem(_ directory: String, plugin: String) throws(PluginHostError) {
        var info = statvfs()
        // ST_NOEXEC (8): Glibc's module map hides the constant behind _GNU_SOURCE.
        guard statvfs(directory, &info) == 0, info.f_flag & 8 == 0 else {
            throw PluginHostError(
                .spawnFailed, plugin: plugin,
                "plugins run from a private copy under the temporary directory, which is mounted noexec "
                    + "(or cannot be inspected); point TMPDIR at a directory that allows execution")
        }
    }
}
