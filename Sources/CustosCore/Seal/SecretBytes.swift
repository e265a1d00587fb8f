import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Key material in a buffer Custos owns: one allocation, never copied by copy-on-write, wiped
/// on `wipe()` and when freed. Arrays and `Data` cannot promise that (a mutation may copy, a
/// free never clears), so unseal shares wait in these between requests.
final class SecretBytes: @unchecked Sendable {
    // Written only by `wipe`, which callers serialise (the seal controller's actor).
    private let buffer: UnsafeMutableRawBufferPointer

    init(_ bytes: some Collection<UInt8>) {
        buffer = .allocate(byteCount: max(bytes.count, 1), alignment: 1)
        buffer.initializeMemory(as: UInt8.self, repeating: 0)
        _ = buffer.initializeMemory(as: UInt8.self, from: bytes)
        count = bytes.count
    }

    let count: Int

    /// A copy for a computation; the caller wipes it (see `[UInt8].wipe()`).
    var bytes: [UInt8] { Array(buffer.prefix(count)) }

    /// A copy for a caller that keeps no promise about wiping it (the barrier's read cache hands
    /// these out; the cache's own copy is wiped when dropped).
    var data: Data {
        guard let base = buffer.baseAddress else { return Data() }
        return Data(bytes: base, count: count)
    }

    func contentsEqual(_ other: SecretBytes) -> Bool {
        guard count == other.count else { return false }
        var difference: UInt8 = 0
        for index in 0..<count { difference |= buffer[index] ^ other.buffer[index] }
        return difference == 0
    }

    func wipe() { Self.clear(buffer) }

    deinit {
        wipe()
        buffer.deallocate()
    }

    /// explicit_bzero: a clear the optimiser may not drop because the memory is freed next.
    static func clear(_ memory: UnsafeMutableRawBufferPointer) {
        guard let base = memory.baseAddress, memory.count > 0 else { return }
        explicit_bzero(base, memory.count)
    }
}

extension Array where Element == UInt8 {
    /// Clears this array's storage in place (only meaningful for an array no one else shares,
    /// which is how the seal code uses it: locals built for one computation).
    mutating func wipe() {
        withUnsafeMutableBytes { SecretBytes.clear($0) }
    }
}
