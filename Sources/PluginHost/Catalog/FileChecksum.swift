import Crypto
import Foundation

/// SHA-256 of a plugin binary, read in chunks so a large binary is never held in memory whole.
/// (At launch the binary is hashed while it is copied instead: see `VerifiedExecutable`.)
package enum FileChecksum {
    package static func sha256Hex(ofFileAt path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw PluginHostError(.commandNotFound, "cannot open the plugin binary to compute its checksum")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        while true {
            let chunk = try handle.read(upToCount: 1 << 20) ?? Data()
            if chunk.isEmpty { break }
            hasher.update(data: chunk)
        }
        return hex(hasher.finalize())
    }

    /// Lower-case hex, as the catalog stores it.
    static func hex(_ digest: SHA256.Digest) -> String {
        digest.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// `true` for 64 hex digits (either case).
    package static func isValidHex(_ text: String) -> Bool {
        text.utf8.count == 64
            && text.utf8.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66) || (byte >= 0x41 && byte <= 0x46)
            }
    }
}
