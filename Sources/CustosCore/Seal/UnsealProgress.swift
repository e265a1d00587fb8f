import Foundation

/// The key shares submitted so far towards an unseal. A plain value so the rules
/// (threshold, duplicates, reset) are testable without storage.
package struct UnsealProgress: Sendable {
    package private(set) var shares: [[UInt8]] = []
    /// Changes on every reset so an operator can tell two unseal attempts apart (Vault's `nonce`).
    package private(set) var nonce: String = ""

    package init() {}

    package enum Outcome: Equatable, Sendable {
        case needMore(progress: Int)
        case complete(shares: [[UInt8]])
    }

    package mutating func submit(_ share: [UInt8], threshold: Int) throws(CustosError) -> Outcome {
        if shares.contains(share) {
            throw CustosError.badRequest("this unseal key was already provided in this unseal attempt; provide a different key")
        }
        if let first = shares.first, first.count != share.count {
            throw CustosError.badRequest("invalid key: its length differs from the keys already provided")
        }
        if shares.isEmpty { nonce = UUID().uuidString.lowercased() }
        shares.append(share)
        if shares.count >= threshold {
            let complete = shares
            reset()
            return .complete(shares: complete)
        }
        return .needMore(progress: shares.count)
    }

    package mutating func reset() {
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
        bytes.map { String(format: "%02x", $0) }.joined()
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
