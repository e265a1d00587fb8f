#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Vault's value generators: `random`, `uuid` and the clock functions. Each
/// reads the injected random source or clock so tests can pin the output.
enum GeneratorFunctions {
    /// go-secure-stdlib's base62 charset, in its order, so that a byte sequence
    /// maps to the same characters as in Vault.
    private static let base62 = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)

    /// `random N`: base62.RandomWithReader's algorithm. Random bytes below 248
    /// (4 × 62) pick `charset[b % 62]`; others are skipped to avoid bias. Bytes
    /// are taken little-endian from each 64-bit draw.
    static func random(_ length: Int, using generator: inout any RandomNumberGenerator) throws(UsernameTemplateError) -> String {
        try Builtin.validateRandom(length)
        var out: [UInt8] = []
        out.reserveCapacity(length)
        // ~1/32 of bytes are rejected; a source still short after this many
        // draws is broken (e.g. a stub returning all ones), not unlucky.
        var drawsLeft = length / 4 + 16
        while out.count < length {
            guard drawsLeft > 0 else {
                throw UsernameTemplateError(.environment, "random: the random source keeps producing unusable bytes")
            }
            drawsLeft -= 1
            var word = generator.next()
            for _ in 0..<8 where out.count < length {
                let byte = UInt8(truncatingIfNeeded: word)
                word >>= 8
                if byte < 248 { out.append(base62[Int(byte % 62)]) }
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `uuid`: a random (version 4, RFC 4122 variant) UUID in lower-case hex.
    /// Vault's go-uuid leaves the version bits random; a v4 UUID is one of its outputs.
    static func uuid(using generator: inout any RandomNumberGenerator) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16)
        for _ in 0..<2 {
            var word = generator.next()
            for _ in 0..<8 {
                bytes.append(UInt8(truncatingIfNeeded: word))
                word >>= 8
            }
        }
        bytes[6] = bytes[6] & 0x0F | 0x40
        bytes[8] = bytes[8] & 0x3F | 0x80
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(36)
        for (index, byte) in bytes.enumerated() {
            if index == 4 || index == 6 || index == 8 || index == 10 { out.append(UInt8(ascii: "-")) }
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func unixTime(_ clock: ClockReading) -> String {
        String(clock.seconds)
    }

    /// Go computes `UnixNano() / 1e6`, which truncates toward zero.
    static func unixTimeMillis(_ clock: ClockReading) -> String {
        var millis = clock.seconds * 1000 + Int64(clock.nanoseconds / 1_000_000)
        if clock.seconds < 0, clock.nanoseconds % 1_000_000 != 0 { millis += 1 }
        return String(millis)
    }
}

/// The injected `Date`, split into Go's seconds + nanoseconds form.
struct ClockReading: Sendable, Equatable {
    var seconds: Int64
    /// 0 ..< 1_000_000_000
    var nanoseconds: Int

    /// About ±3 million years: far past any real clock, small enough that no
    /// arithmetic below can overflow.
    static let maxMagnitude: Double = 1e14

    init(seconds: Int64, nanoseconds: Int) {
        self.seconds = seconds
        self.nanoseconds = nanoseconds
    }

    /// `Date` is a Double, precise to well under a microsecond today; rounding to
    /// whole microseconds makes `.000` layouts print the milliseconds one meant.
    init(_ date: Date) throws(UsernameTemplateError) {
        let interval = date.timeIntervalSince1970
        guard interval.isFinite, abs(interval) < Self.maxMagnitude else {
            throw UsernameTemplateError(.environment, "the clock reading \(interval) is out of range")
        }
        var whole = interval.rounded(.down)
        var micros = ((interval - whole) * 1_000_000).rounded()
        if micros >= 1_000_000 {
            whole += 1
            micros -= 1_000_000
        }
        seconds = Int64(whole)
        nanoseconds = Int(micros) * 1000
    }
}
