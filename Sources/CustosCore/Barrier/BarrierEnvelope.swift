import Crypto
import Foundation

/// The byte layout of everything the barrier encrypts:
/// `[0x01 version][term: UInt32 big-endian][nonce 12][ciphertext][tag 16]`,
/// AES-256-GCM with a fresh random nonce per call and caller-chosen associated data (the storage
/// key, so a value copied to another key fails to open).
enum BarrierEnvelope {
    static let version: UInt8 = 1
    static let headerLength = 1 + 4
    static let minimumLength = headerLength + 12 + 16

    static func seal(_ plaintext: Data, key: SymmetricKey, term: UInt32, associatedData: Data) throws -> Data {
        defer { StackScrubber.scrubAfterCryptography() }
        let box = try AES.GCM.seal(plaintext, using: key, nonce: AES.GCM.Nonce(), authenticating: associatedData)
        // `combined` is nonce || ciphertext || tag for the standard 12-byte nonce.
        guard let combined = box.combined else {
            throw BarrierError(code: .decryptionFailed, message: "unexpected AES-GCM nonce size")
        }
        var envelope = Data(capacity: headerLength + combined.count)
        envelope.append(version)
        withUnsafeBytes(of: term.bigEndian) { envelope.append(contentsOf: $0) }
        envelope.append(combined)
        return envelope
    }

    /// The key term an envelope was sealed with, or nil if it isn't a well-formed envelope.
    static func term(of envelope: Data) -> UInt32? {
        guard envelope.count >= minimumLength, envelope[envelope.startIndex] == version else { return nil }
        return envelope.dropFirst(1).prefix(4).reduce(UInt32(0)) { ($0 << 8) | UInt32($1) }
    }

    /// Throws `decryptionFailed` if the envelope is malformed or doesn't authenticate.
    static func open(_ envelope: Data, key: SymmetricKey, associatedData: Data) throws(BarrierError) -> Data {
        guard term(of: envelope) != nil else {
            throw BarrierError(code: .decryptionFailed, message: "the stored value is not a barrier envelope")
        }
        defer { StackScrubber.scrubAfterCryptography() }
        do {
            let box = try AES.GCM.SealedBox(combined: envelope.dropFirst(headerLength))
            return try AES.GCM.open(box, using: key, authenticating: associatedData)
        } catch {
            throw BarrierError(code: .decryptionFailed, message: "the stored value does not authenticate")
        }
    }
}
