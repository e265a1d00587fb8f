/// The text of a policy as a write sends it. Vault tries to base64-decode it first, so tools
/// that upload policies base64-encoded (to dodge quoting) work unchanged.
enum PolicyText {
    /// The decoded text when `text` is entirely standard base64, as Go's `StdEncoding` reads it
    /// (padding required, line breaks ignored); `text` itself otherwise. A plain policy is never
    /// valid base64: it needs a space, a quote or a brace.
    static func decoded(_ text: String) throws(PolicyError) -> String {
        guard let bytes = base64Decoded(text) else { return text }
        guard let decoded = String(validating: bytes, as: UTF8.self) else {
            throw PolicyError(.invalidEncoding, "the base64-decoded policy is not UTF-8 text")
        }
        return decoded
    }

    static func base64Decoded(_ text: String) -> [UInt8]? {
        var sextets: [UInt8] = []
        sextets.reserveCapacity(text.utf8.count)
        var padding = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") { continue }
            if byte == UInt8(ascii: "=") {
                padding += 1
                continue
            }
            // Nothing but line breaks and more `=` may follow the padding.
            guard padding == 0, let value = sextet(byte) else { return nil }
            sextets.append(value)
        }
        // A final group of 4 holds 2, 3 or 4 characters, padded with 2, 1 or 0 `=`.
        switch (sextets.count % 4, padding) {
        case (0, 0), (3, 1), (2, 2): break
        default: return nil
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(sextets.count / 4 * 3 + 2)
        var index = 0
        while index < sextets.count {
            let group = sextets[index..<min(index + 4, sextets.count)]
            var word: UInt32 = 0
            for (offset, value) in group.enumerated() { word |= UInt32(value) << (18 - 6 * offset) }
            for offset in 0..<(group.count - 1) { bytes.append(UInt8(truncatingIfNeeded: word >> (16 - 8 * offset))) }
            index += 4
        }
        return bytes
    }

    private static func sextet(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): byte - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): byte - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"): 62
        case UInt8(ascii: "/"): 63
        default: nil
        }
    }
}
