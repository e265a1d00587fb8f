import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#endif

/// `custos operator backup`: a consistent copy of a SQLite storage file, taken with SQLite's
/// online backup API while the server may be running and writing. The source is opened read
/// only; in WAL mode the copy is one read transaction (a snapshot that includes the WAL) and
/// does not block the server's writer. Everything in the file except the seal configuration and
/// the encrypted keyring is already encrypted by the barrier, so the copy is as safe to keep
/// as the original, and it opens with the same unseal keys.
package enum SQLiteBackup {
    /// Copies `source` to `destination` (created 0600 next to a temporary name, fsynced, then
    /// renamed into place, so a crash never leaves a half-written file under the final name).
    /// Returns the size of the copy in bytes.
    @discardableResult
    package static func copy(from source: String, to destination: String) throws(StorageError) -> Int {
        guard FileManager.default.fileExists(atPath: source) else {
            throw StorageError(code: .io, message: "no storage file at \(source)")
        }
        let partial = destination + ".partial-\(UUID().uuidString.lowercased().prefix(8))"
        let descriptor = open(partial, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw StorageError(code: .io, message: "cannot create \(partial) (errno \(errno))")
        }
        close(descriptor)
        do {
            var readOnly = Configuration()
            readOnly.readonly = true
            readOnly.busyMode = .timeout(10)
            let sourceQueue = try DatabaseQueue(path: source, configuration: readOnly)
            let copyQueue = try DatabaseQueue(path: partial)
            // One step (-1): the whole copy reads one snapshot, never restarted by the server's writes.
            try sourceQueue.backup(to: copyQueue)
            let check = try copyQueue.read { db in try String.fetchOne(db, sql: "PRAGMA quick_check") }
            guard check == "ok" else { throw StorageError(code: .corrupt, message: "the copy failed its integrity check") }
            try copyQueue.close()
            try sourceQueue.close()
            try syncFile(partial)
            guard rename(partial, destination) == 0 else {
                throw StorageError(code: .io, message: "cannot move the copy to \(destination) (errno \(errno))")
            }
            try syncFile((destination as NSString).deletingLastPathComponent.isEmpty ? "." : (destination as NSString).deletingLastPathComponent)
        } catch {
            unlink(partial)
            if let error = error as? StorageError { throw error }
            // Result codes only: GRDB's description may quote SQL.
            let code = (error as? DatabaseError)?.resultCode.rawValue ?? -1
            throw StorageError(code: .io, message: "the backup failed (SQLite result code \(code))")
        }
        let attributes = try? FileManager.default.attributesOfItem(atPath: destination)
        return (attributes?[.size] as? NSNumber)?.intValue ?? 0
    }

    private static func syncFile(_ path: String) throws(StorageError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw StorageError(code: .io, message: "cannot open \(path) (errno \(errno))") }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw StorageError(code: .io, message: "cannot fsync \(path) (errno \(errno))") }
    }
}
