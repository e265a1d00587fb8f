import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Creates the database's directories (0700) and file (0600) before SQLite opens it, because
/// SQLite would create the file with the process umask (typically world-readable). SQLite gives
/// its -wal and -shm files the database file's permissions.
enum SQLiteFileCreation {
    static func prepare(path: String) throws(StorageError) {
        guard !path.isEmpty else {
            throw StorageError(code: .io, message: "the sqlite path is empty")
        }
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try createDirectories(directory)
        }
        let descriptor = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw StorageError(code: .io, message: "cannot create the sqlite file (errno \(errno))")
        }
        close(descriptor)
    }

    private static func createDirectories(_ directory: String) throws(StorageError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw StorageError(code: .io, message: "the sqlite file's parent is not a directory")
            }
            return
        }
        let parent = (directory as NSString).deletingLastPathComponent
        if !parent.isEmpty && parent != directory {
            try createDirectories(parent)
        }
        if mkdir(directory, 0o700) != 0 && errno != EEXIST {
            throw StorageError(code: .io, message: "cannot create the sqlite directory (errno \(errno))")
        }
    }
}
