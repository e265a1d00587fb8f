import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Key material also lands on thread stacks: BoringSSL expands the AES key into stack buffers
/// while it encrypts, and a stack frame is never freed, so freed-memory wiping cannot reach it.
/// Every barrier encryption, and every keyring encode or decode, clears the stack below its frame
/// right after (`scrubAfterCryptography`, on whichever thread ran it); and after a seal, one task per thread of Swift concurrency's pool
/// overwrites the top of its thread's stack. The tasks wait for each other, so that each runs on
/// a thread of its own; the wait is bounded, so a busy pool delays the seal by at most that.
enum StackScrubber {
    /// Deeper than any encryption call's frames (they sit within the first tens of KiB).
    static let depth = 256 * 1024
    /// Below one AES-GCM call's frames (BoringSSL's use a few KiB); about a microsecond to clear.
    static let cryptographyDepth = 32 * 1024

    @inline(never)
    static func scrubAfterCryptography() {
        withUnsafeTemporaryAllocation(byteCount: cryptographyDepth, alignment: 16) { buffer in
            guard let base = buffer.baseAddress else { return }
            explicit_bzero(base, buffer.count)
        }
    }

    static func scrubConcurrencyPool() async {
        let width = max(ProcessInfo.processInfo.activeProcessorCount, 1)
        let arrived = Arrivals()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<width {
                group.addTask {
                    scrubThisStack()
                    arrived.count.add(1, ordering: .sequentiallyConsistent)
                    // Hold this thread until every task has run (each on its own thread), at most 200 ms.
                    let deadline = ContinuousClock.now.advanced(by: .milliseconds(200))
                    while arrived.count.load(ordering: .sequentiallyConsistent) < width, ContinuousClock.now < deadline {
                        sched_yield()
                    }
                }
            }
        }
    }

    private final class Arrivals: Sendable {
        let count = Atomic<Int>(0)
    }

    /// Clears `depth` bytes of the current thread's stack below this frame.
    @inline(never)
    static func scrubThisStack() {
        withUnsafeTemporaryAllocation(byteCount: depth, alignment: 16) { buffer in
            guard let base = buffer.baseAddress else { return }
            explicit_bzero(base, buffer.count)
        }
    }
}
