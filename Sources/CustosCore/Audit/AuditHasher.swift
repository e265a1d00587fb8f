import Crypto
package import CustosJSON
package import Foundation

/// HMAC-SHA256 with one audit device's salt, in Vault's form `hmac-sha256:<hex>`: the log keeps
/// no secret, yet an admin who knows a value can find it (`sys/audit-hash/<path>`).
/// `@unchecked Sendable` as `EncryptionKey`: the keyed HMAC is never mutated once made (each
/// hash works on its own copy).
package struct AuditHasher: @unchecked Sendable {
    package static let prefix = "hmac-sha256:"
    /// Bytes of a new device's salt (kept encrypted under the barrier, never shown).
    static let saltLength = 32

    /// Keyed once: each hash copies it (copy-on-write) instead of setting up the key again.
    private let keyed: HMAC<SHA256>

    package init(salt: Data) {
        keyed = HMAC<SHA256>(key: SymmetricKey(data: salt))
    }

    static func newSalt() -> Data {
        var generator = SystemRandomNumberGenerator()
        return Data((0..<saltLength).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }

    package func hash(_ value: String) -> String {
        var mac = keyed
        var text = value
        text.withUTF8 { mac.update(data: UnsafeRawBufferPointer($0)) }
        return Self.prefix + Hex.encode(mac.finalize())
    }

    /// Every string in `value` replaced by its HMAC, recursively; a string directly under a key
    /// in `clearKeys` stays as it is (Vault's `audit_non_hmac_*_keys`). Numbers, booleans and
    /// nulls carry no secret and stay.
    package func hash(_ value: JSONValue, clearKeys: Set<String> = []) -> JSONValue {
        switch value {
        case .string(let text):
            return .string(hash(text))
        case .array(let items):
            return .array(items.map { hash($0, clearKeys: clearKeys) })
        case .object(let members):
            var hashed: [String: JSONValue] = [:]
            hashed.reserveCapacity(members.count)
            for (key, member) in members {
                if clearKeys.contains(key), case .string = member {
                    hashed[key] = member
                } else {
                    hashed[key] = hash(member, clearKeys: clearKeys)
                }
            }
            return .object(hashed)
        case .null, .bool, .int, .double:
            return value
        }
    }
}
