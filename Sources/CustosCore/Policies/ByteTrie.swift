/// A trie over UTF-8 bytes answering "the longest stored key that is a prefix of this text".
///
/// Built with a hash map of edges, then `sealed()` into flat arrays: each node's children are a
/// contiguous run of (byte, child) pairs, so a lookup costs a short scan per byte of the text
/// (usually one comparison, since most nodes of path prefixes have a single child) and never
/// depends on the number of keys.
struct ByteTrie: Sendable {
    /// Build-time edges, keyed by (node, byte); emptied by `sealed()`.
    private var pendingEdges: [UInt64: Int32] = [:]
    /// Value stored at each node, -1 when no key ends there. Node 0 is the root (the empty key).
    private var values: [Int32] = [-1]
    /// After sealing: node `n`'s children are `childBytes[childStart[n]..<childStart[n + 1]]`.
    private var childStart: [Int32] = []
    private var childBytes: [UInt8] = []
    private var childNodes: [Int32] = []

    /// Stores `value` under `key`, replacing any earlier value for the same key.
    mutating func insert(_ key: String, value: Int32) {
        precondition(childStart.isEmpty, "ByteTrie is sealed")
        var node: Int32 = 0
        for byte in key.utf8 {
            let edge = Self.edgeKey(node, byte)
            if let next = pendingEdges[edge] {
                node = next
            } else {
                let next = Int32(values.count)
                values.append(-1)
                pendingEdges[edge] = next
                node = next
            }
        }
        values[Int(node)] = value
    }

    /// The read-only form that `longestPrefix(of:)` walks.
    func sealed() -> ByteTrie {
        var trie = ByteTrie()
        trie.values = values
        let sortedEdges = pendingEdges.sorted { $0.key < $1.key }  // by node, then byte
        trie.childStart = [Int32](repeating: 0, count: values.count + 1)
        for (edge, _) in sortedEdges { trie.childStart[Int(edge >> 8) + 1] += 1 }
        for node in 0..<values.count { trie.childStart[node + 1] += trie.childStart[node] }
        trie.childBytes = sortedEdges.map { UInt8(truncatingIfNeeded: $0.key) }
        trie.childNodes = sortedEdges.map(\.value)
        return trie
    }

    /// The value of the longest key that `text` starts with, and that key's length in bytes.
    /// Only valid on a sealed trie.
    func longestPrefix(of text: Substring.UTF8View) -> (value: Int32, length: Int)? {
        precondition(!childStart.isEmpty, "ByteTrie must be sealed before lookups")
        var node = 0
        var best: (value: Int32, length: Int)? = values[0] >= 0 ? (values[0], 0) : nil
        var length = 0
        outer: for byte in text {
            let start = Int(childStart[node])
            let end = Int(childStart[node + 1])
            for slot in start..<end where childBytes[slot] == byte {
                node = Int(childNodes[slot])
                length += 1
                let value = values[node]
                if value >= 0 { best = (value, length) }
                continue outer
            }
            break
        }
        return best
    }

    private static func edgeKey(_ node: Int32, _ byte: UInt8) -> UInt64 {
        UInt64(UInt32(bitPattern: node)) << 8 | UInt64(byte)
    }
}
