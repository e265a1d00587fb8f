import Foundation

/// Reads values the user pipes in: a token, an unseal key, a `k=-` value.
enum StandardInput {
    /// One line without its newline; nil when stdin is closed without input.
    static func readSingleLine() -> String? {
        guard let line = readLine(strippingNewline: true) else { return nil }
        return line.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Everything until end of input, kept verbatim (Vault keeps the trailing newline).
    static func readAll() -> String {
        String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
    }
}
