import Foundation

/// The key shares submitted so far towards an unseal. A plain value so the rules
/// (threshold, duplicates, reset) are testable without storage.
package struct UnsealProgress: Sendable {
    /// Held in wiped-on-free buffers: shares can wait here for minutes between two operators.
    private(set) var shares: [SecretBytes] = []
    /// Changes on every reset so an operator can tell two unseal attempts apart (Vault's `nonce`).
    package private(set) var nonce: String = ""

    package init() {}

    enum Outcome: Sendable {
        case needMore(progress: Int)
        /// The shares, handed over: the progress keeps no reference to them.
        case complete(shares: [SecretBytes])
    }

    mutating func submit(_ share: SecretBytes, threshold: Int) throws(CustosError) -> Outcome {
        if shares.contains(where: { $0.contentsEqual(share) }) {
            throw CustosError.badRequest("this unseal key was already provided in this unseal attempt; provide a different key")
        }
        if let first = shares.first, first.count != share.count {
            throw CustosError.badRequest("invalid key: its length differs from the keys already provided")
        }
        if shares.isEmpty { nonce = UUID().uuidString.lowercased() }
        shares.append(share)
        if shares.count >= threshold {
            let complete = shares
            shares.removeAll()
            nonce = ""
            return .complete(shares: complete)
        }
        return .needMore(progress: shares.count)
    }

    /// Forgets the shares; each is wiped now, whoever else may still refer to it.
    package mutating func reset() {
        for share in shares { share.wipe() }
        shares.removeAll()
        nonce = ""
    }
}

/// Unseal keys travel as hex (Vault's `keys`) or base64 (`keys_base64`); both are accepted.
package enum UnsealKeyEncoding {
    package static func decode(_ text: String) -> [UInt8]? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.count % 2 == 0, trimmed.allSatisfy(\.isHexDigit), let bytes = hex(trimmed) { return bytes }
        if let data = Data(base64Encoded: trimmed) { return Array(data) }
        return nil
    }

    package static func hexString(_ bytes: [UInt8]) -> String {
        Hex.encode(bytes)
    }

    private static func hex(_ text: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.count / 2)
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            guard let byte = UInt8(text[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        return bytes
    }
}
