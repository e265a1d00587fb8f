import Foundation

/// The token `custos login` saves: `~/.custos-token`, readable by the owner only.
struct TokenFile: Sendable {
    let path: String

    init(homeDirectory: String? = ProcessInfo.processInfo.environment["HOME"]) {
        let home = homeDirectory ?? NSHomeDirectory()
        path = (home as NSString).appendingPathComponent(".custos-token")
    }

    func load() throws -> String? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let contents = FileManager.default.contents(atPath: path),
              let text = String(data: contents, encoding: .utf8)
        else {
            throw CommandFailure.local("Error reading token file \(path)")
        }
        let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return token.isEmpty ? nil : token
    }

    /// Creates the file as 0600 from the start (no window where it is world-readable) and
    /// re-applies the mode in case an older file had looser permissions.
    func save(_ token: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard descriptor >= 0 else {
            throw CommandFailure.local("Error saving token to \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        guard fchmod(descriptor, 0o600) == 0 else {
            throw CommandFailure.local("Error saving token to \(path): \(String(cString: strerror(errno)))")
        }
        let bytes = Array((token + "\n").utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count else {
            throw CommandFailure.local("Error saving token to \(path): short write")
        }
    }
}
