import Crypto

/// Vault's string helpers (sdk/helper/template/funcs.go). Go strings are byte
/// strings, so lengths here are UTF-8 byte counts, like Go's `len`. Where Go
/// would slice through a multi-byte character (and emit invalid UTF-8), these
/// cut at the previous character boundary instead, so results are never
/// longer than Vault's and always valid text.
enum StringFunctions {
    /// `truncate N s`: at most N bytes of s. Never allocates based on N.
    static func truncate(_ maxLength: Int, _ value: String) throws(UsernameTemplateError) -> String {
        try Builtin.validateTruncate(maxLength)
        let utf8 = value.utf8
        guard utf8.count > maxLength else { return value }
        let cut = scalarBoundary(in: utf8, atMost: maxLength)
        return String(decoding: utf8.prefix(cut), as: UTF8.self)
    }

    /// `truncate_sha256 N s`: if s is longer than N bytes, keep the first N-8 bytes
    /// and append the first 8 hex digits of the SHA-256 of the bytes cut off
    /// (Vault hashes the removed tail, not the whole value).
    static func truncateSHA256(_ maxLength: Int, _ value: String) throws(UsernameTemplateError) -> String {
        try Builtin.validateTruncateSHA256(maxLength)
        let utf8 = value.utf8
        guard utf8.count > maxLength else { return value }
        let cut = scalarBoundary(in: utf8, atMost: maxLength - 8)
        let head = String(decoding: utf8.prefix(cut), as: UTF8.self)
        let digest = hexSHA256(Array(utf8.dropFirst(cut)))
        return head + digest.prefix(8)
    }

    static func sha256(_ value: String) -> String {
        hexSHA256(Array(value.utf8))
    }

    private static func hexSHA256(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in SHA256.hash(data: bytes) {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Standard base64 with padding, like Go's `base64.StdEncoding`.
    static func base64(_ value: String) throws(UsernameTemplateError) -> String {
        let input = Array(value.utf8)
        let encodedLength = (input.count + 2) / 3 * 4
        try checkSize(encodedLength, "base64")
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(encodedLength)
        var index = 0
        while index < input.count {
            let remaining = input.count - index
            let b0 = UInt32(input[index])
            let b1 = remaining > 1 ? UInt32(input[index + 1]) : 0
            let b2 = remaining > 2 ? UInt32(input[index + 2]) : 0
            let group = b0 << 16 | b1 << 8 | b2
            out.append(alphabet[Int(group >> 18 & 0x3F)])
            out.append(alphabet[Int(group >> 12 & 0x3F)])
            out.append(remaining > 1 ? alphabet[Int(group >> 6 & 0x3F)] : UInt8(ascii: "="))
            out.append(remaining > 2 ? alphabet[Int(group & 0x3F)] : UInt8(ascii: "="))
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Go's `strings.ToUpper`/`ToLower` map each character on its own (simple
    /// case mapping): `ß` stays `ß`. Unicode's full mapping is used only where it
    /// yields a single character, which matches Go for all but a few special cases.
    static func uppercase(_ value: String) -> String {
        mapScalars(value, asciiRange: 0x61...0x7A, asciiShift: -32) { $0.properties.uppercaseMapping }
    }

    static func lowercase(_ value: String) -> String {
        mapScalars(value, asciiRange: 0x41...0x5A, asciiShift: 32) { $0.properties.lowercaseMapping }
    }

    private static func mapScalars(
        _ value: String, asciiRange: ClosedRange<UInt32>, asciiShift: Int32,
        _ mapping: (Unicode.Scalar) -> String
    ) -> String {
        var out = String.UnicodeScalarView()
        for scalar in value.unicodeScalars {
            if scalar.isASCII {
                let shifted = asciiRange.contains(scalar.value) ? UInt32(Int32(scalar.value) + asciiShift) : scalar.value
                out.append(Unicode.Scalar(UInt8(truncatingIfNeeded: shifted)))
                continue
            }
            let mapped = mapping(scalar).unicodeScalars
            if mapped.count == 1, let single = mapped.first {
                out.append(single)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// `replace OLD NEW s`: Go's `strings.ReplaceAll(s, OLD, NEW)`. Matching is on
    /// bytes, as in Go; an empty OLD matches before every character and at the end.
    static func replace(_ old: String, _ new: String, _ value: String) throws(UsernameTemplateError) -> String {
        let haystack = Array(value.utf8)
        let needle = Array(old.utf8)
        let replacement = Array(new.utf8)
        if needle.isEmpty {
            let scalarCount = value.unicodeScalars.count
            try checkSize(haystack.count + (scalarCount + 1) * replacement.count, "replace")
            var out: [UInt8] = replacement
            for scalar in value.unicodeScalars {
                out.append(contentsOf: Array(String(scalar).utf8))
                out.append(contentsOf: replacement)
            }
            return String(decoding: out, as: UTF8.self)
        }
        // Count first so a hostile expansion is refused before it is built.
        var matches: [Int] = []
        var index = 0
        while index + needle.count <= haystack.count {
            if haystack[index] == needle[0], haystack[index..<(index + needle.count)].elementsEqual(needle) {
                matches.append(index)
                index += needle.count
            } else {
                index += 1
            }
        }
        guard !matches.isEmpty else { return value }
        try checkSize(haystack.count + matches.count * (replacement.count - needle.count), "replace")
        var out: [UInt8] = []
        var copied = 0
        for match in matches {
            out.append(contentsOf: haystack[copied..<match])
            out.append(contentsOf: replacement)
            copied = match + needle.count
        }
        out.append(contentsOf: haystack[copied...])
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: Helpers

    /// The largest index ≤ `limit` that does not split a UTF-8 sequence.
    private static func scalarBoundary(in utf8: String.UTF8View, atMost limit: Int) -> Int {
        let bytes = Array(utf8.prefix(limit < Int.max ? limit + 1 : limit))
        var cut = min(limit, bytes.count)
        // A continuation byte (10xxxxxx) at `cut` means `cut` is inside a character.
        while cut > 0, cut < bytes.count, bytes[cut] & 0xC0 == 0x80 {
            cut -= 1
        }
        return cut
    }

    static func checkSize(_ bytes: Int, _ function: String) throws(UsernameTemplateError) {
        guard bytes <= Limits.maxValueBytes else {
            throw UsernameTemplateError(.limitExceeded, "\(function): result would be \(bytes) bytes, more than the \(Limits.maxValueBytes)-byte limit")
        }
    }
}
