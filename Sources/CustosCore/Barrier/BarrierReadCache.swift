import Foundation
import Synchronization

/// Decrypted values the barrier read recently (tokens, policies, the mount table, KV entries),
/// so that a hot read costs neither a SQLite query nor an AES-GCM open. Vault keeps a cache like
/// this in front of its physical storage.
///
/// Correctness over hit rate:
/// - Every write through the barrier drops its keys before and after the physical write and moves
///   the generation on; a read inserts only if no write (to any key) or seal happened since it
///   started, so a value read before a write can never be installed after it.
/// - Seal empties the cache; each plaintext lives in a `SecretBytes`, which is wiped when dropped.
/// - Bounded by entry count and bytes; past either bound the oldest entries go first.
final class BarrierReadCache: Sendable {
    struct Limits: Sendable {
        var maxEntries = 8192
        var maxBytes = 32 << 20
        /// Larger values are read from storage every time.
        var maxValueBytes = 64 << 10
    }

    private struct State: ~Copyable {
        var entries: [String: Entry] = [:]
        /// Insertion order for eviction; holds stale keys too, skipped by their stamp.
        var order: [(key: String, stamp: UInt64)] = []
        var orderStart = 0
        var bytes = 0
        /// Moves on with every write and seal.
        var generation: UInt64 = 0
        var nextStamp: UInt64 = 0
    }

    private struct Entry {
        var value: SecretBytes
        var stamp: UInt64
    }

    private let state = Mutex(State())
    let limits: Limits

    init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// A cached value, or a ticket to present when inserting what storage returns.
    enum Lookup {
        case hit(Data)
        case miss(generation: UInt64)
    }

    func lookup(_ key: String) -> Lookup {
        state.withLock { state in
            if let entry = state.entries[key] { return .hit(entry.value.data) }
            return .miss(generation: state.generation)
        }
    }

    /// Installs a value read from storage, unless a write or a seal came after the read began.
    func insert(_ key: String, _ value: Data, readAt generation: UInt64) {
        guard value.count <= limits.maxValueBytes else { return }
        let secret = SecretBytes(value)
        state.withLock { state in
            guard state.generation == generation, state.entries[key] == nil else { return }
            state.nextStamp &+= 1
            state.entries[key] = Entry(value: secret, stamp: state.nextStamp)
            state.order.append((key, state.nextStamp))
            state.bytes += secret.count
            Self.evict(&state, limits: limits)
        }
    }

    /// Called before and after every write: drops the keys and moves the generation on.
    func invalidate<Keys: Sequence<String>>(_ keys: Keys) {
        state.withLock { state in
            state.generation &+= 1
            for key in keys {
                if let removed = state.entries.removeValue(forKey: key) { state.bytes -= removed.value.count }
            }
        }
    }

    /// Seal: every plaintext is dropped (and so wiped) here.
    func removeAll() {
        let dropped = state.withLock { state -> [String: Entry] in
            state.generation &+= 1
            let entries = state.entries
            state.entries = [:]
            state.order = []
            state.orderStart = 0
            state.bytes = 0
            return entries
        }
        for entry in dropped.values { entry.value.wipe() }
    }

    var count: Int { state.withLock { $0.entries.count } }

    private static func evict(_ state: inout State, limits: Limits) {
        while state.entries.count > limits.maxEntries || state.bytes > limits.maxBytes,
              state.orderStart < state.order.count {
            let (key, stamp) = state.order[state.orderStart]
            state.orderStart += 1
            if let entry = state.entries[key], entry.stamp == stamp {
                state.entries[key] = nil
                state.bytes -= entry.value.count
            }
        }
        // Compact the order log once its dead prefix dominates, so it stays O(entries).
        if state.orderStart > 1024, state.orderStart * 2 > state.order.count {
            state.order.removeFirst(state.orderStart)
            state.orderStart = 0
        }
        if state.order.count > 4 * limits.maxEntries + 1024 {
            let live = state.entries
            state.order = state.order.filter { live[$0.key]?.stamp == $0.stamp }
            state.orderStart = 0
        }
    }
}
