/// Lower-case hex, without `String(format:)` (which parses a format and allocates per byte: a
/// measurable share of every request, since each one hashes its token).
package enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    package static func encode(_ bytes: some Sequence<UInt8>) -> String {
        let input = Array(bytes)
        return String(unsafeUninitializedCapacity: input.count * 2) { buffer in
            for (index, byte) in input.enumerated() {
                buffer[2 * index] = digits[Int(byte >> 4)]
                buffer[2 * index + 1] = digits[Int(byte & 0x0F)]
            }
            return input.count * 2
        }
    }
}
