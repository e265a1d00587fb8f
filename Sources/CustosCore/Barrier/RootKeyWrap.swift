import Crypto
package import Foundation

/// Protects the root key at rest: AES-256-GCM under the 32-byte unseal key (the one Shamir's
/// shares rebuild), in the barrier's envelope layout with term 0 and associated data
/// "core/root-key". The seal code stores the result at `RootKeyWrap.storageKey`.
package enum RootKeyWrap {
    package static let storageKey = "core/root-key"
    static let keyLength = 32

    package static func wrap(rootKey: [UInt8], unsealKey: [UInt8]) throws -> Data {
        guard rootKey.count == keyLength else {
            throw BarrierError(code: .invalidKey, message: "the root key must be 32 bytes")
        }
        let key = try symmetricKey(unsealKey)
        return try BarrierEnvelope.seal(
            Data(rootKey), key: key, term: 0, associatedData: Data(storageKey.utf8))
    }

    /// Throws `BarrierError(.invalidKey)` when the unseal key doesn't open the wrapped root key.
    package static func unwrap(_ data: Data, unsealKey: [UInt8]) throws -> [UInt8] {
        let key = try symmetricKey(unsealKey)
        var plaintext: Data
        do {
            plaintext = try BarrierEnvelope.open(data, key: key, associatedData: Data(storageKey.utf8))
        } catch {
            throw BarrierError(code: .invalidKey, message: "the unseal key does not open the root key")
        }
        defer { plaintext.resetBytes(in: plaintext.startIndex..<plaintext.endIndex) }
        guard plaintext.count == keyLength else {
            throw BarrierError(code: .decryptionFailed, message: "the stored root key has the wrong length")
        }
        return [UInt8](plaintext)
    }

    private static func symmetricKey(_ unsealKey: [UInt8]) throws(BarrierError) -> SymmetricKey {
        guard unsealKey.count == keyLength else {
            throw BarrierError(code: .invalidKey, message: "the unseal key must be 32 bytes")
        }
        return SymmetricKey(data: unsealKey)
    }
}
