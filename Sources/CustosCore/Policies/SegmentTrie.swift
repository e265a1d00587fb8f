/// Patterns with `+` segments, stored as a trie of path segments so a lookup walks only the
/// branches the path can take (its literal segment and the `+` branch), never every pattern.
struct SegmentTrie: Sendable {
    private struct Node: Sendable {
        var literal: [Substring: Int32] = [:]
        var any: Int32 = -1
        /// The rule whose pattern ends exactly here (same number of segments as the path).
        var exactRule: Int32 = -1
        /// Rules whose pattern ends in `*` right after this node's segments: keyed by the text
        /// the next path segment must start with. The longest one that fits is the only
        /// candidate worth keeping: same first wildcard, same `+` count, longer wins.
        var prefixRules: ByteTrie?
    }

    private var nodes: [Node] = [Node()]

    mutating func insert(_ pattern: PathPattern, rule: Int32) {
        var segments = pattern.segments
        var lastPrefix: String?
        if pattern.priority.isPrefix, let last = segments.popLast() {
            switch last {
            case .literal(let text): lastPrefix = text
            case .any: lastPrefix = "+"  // "+*" is rejected by the parser; keep Vault's literal reading
            }
        }
        var node: Int32 = 0
        for segment in segments {
            node = child(of: node, for: segment)
        }
        if let lastPrefix {
            var trie = nodes[Int(node)].prefixRules ?? ByteTrie()
            trie.insert(lastPrefix, value: rule)
            nodes[Int(node)].prefixRules = trie
        } else {
            nodes[Int(node)].exactRule = rule
        }
    }

    /// The read-only form: every node's prefix trie sealed for lookups.
    func sealed() -> SegmentTrie {
        var trie = self
        for index in trie.nodes.indices {
            trie.nodes[index].prefixRules = trie.nodes[index].prefixRules?.sealed()
        }
        return trie
    }

    /// Appends to `candidates` every stored rule whose pattern matches `path`, walking its
    /// segments in place (no split into an array: this runs on every request).
    func collectMatches(_ path: Substring, into candidates: inout [Int32]) {
        visit(0, remainder: path, &candidates)
    }

    /// `remainder` is the path from the current segment on; nil once every segment is consumed
    /// ("a/" has the two segments "a" and "").
    private func visit(_ index: Int32, remainder: Substring?, _ candidates: inout [Int32]) {
        // Fields are read in place: copying a Node would retain its dictionary and trie.
        let node = Int(index)
        guard let remainder else {
            if nodes[node].exactRule >= 0 { candidates.append(nodes[node].exactRule) }
            return
        }
        let part: Substring
        let next: Substring?
        if let slash = remainder.utf8.firstIndex(of: UInt8(ascii: "/")) {
            part = remainder[..<slash]
            next = remainder[remainder.utf8.index(after: slash)...]
        } else {
            part = remainder
            next = nil
        }
        if let hit = nodes[node].prefixRules?.longestPrefix(of: part.utf8) {
            candidates.append(hit.value)
        }
        if let child = nodes[node].literal[part] { visit(child, remainder: next, &candidates) }
        if nodes[node].any >= 0 { visit(nodes[node].any, remainder: next, &candidates) }
    }

    private mutating func child(of node: Int32, for segment: PathPattern.Segment) -> Int32 {
        switch segment {
        case .any:
            if nodes[Int(node)].any >= 0 { return nodes[Int(node)].any }
            let next = appendNode()
            nodes[Int(node)].any = next
            return next
        case .literal(let text):
            if let next = nodes[Int(node)].literal[Substring(text)] { return next }
            let next = appendNode()
            nodes[Int(node)].literal[Substring(text)] = next
            return next
        }
    }

    private mutating func appendNode() -> Int32 {
        nodes.append(Node())
        return Int32(nodes.count - 1)
    }
}
