import Crypto
import Foundation

/// A 256-bit AES key that can cross concurrency domains.
///
/// `SymmetricKey` is not marked Sendable in swift-crypto 3, but it is an immutable value type
/// whose copy-on-write storage (`SecureBytes`) is never mutated after creation, and which
/// swift-crypto zeroes when its last copy is freed. Sharing it read-only is therefore safe.
struct EncryptionKey: @unchecked Sendable, Equatable {
    let symmetricKey: SymmetricKey

    static let byteCount = 32

    static func random() -> EncryptionKey {
        EncryptionKey(symmetricKey: SymmetricKey(size: .bits256))
    }

    /// nil unless `bytes` is exactly 32 bytes long.
    init?(bytes: some ContiguousBytes) {
        let count = bytes.withUnsafeBytes { $0.count }
        guard count == Self.byteCount else { return nil }
        symmetricKey = SymmetricKey(data: bytes)
    }

    private init(symmetricKey: SymmetricKey) {
        self.symmetricKey = symmetricKey
    }

    var base64: String {
        symmetricKey.withUnsafeBytes { Data($0).base64EncodedString() }
    }

    /// Constant-time comparison (swift-crypto's `SymmetricKey ==`).
    static func == (lhs: EncryptionKey, rhs: EncryptionKey) -> Bool {
        lhs.symmetricKey == rhs.symmetricKey
    }
}
