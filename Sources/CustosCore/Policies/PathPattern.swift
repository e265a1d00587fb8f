/// A rule pattern taken apart once, at ACL compile time: which index it goes in and the facts
/// Vault's priority order compares.
struct PathPattern: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        /// No wildcard: matched by hash lookup, and wins outright when it matches.
        case exact
        /// Ends in `*` and has no `+` segment: matched by longest prefix.
        case prefix
        /// Has at least one `+` segment (and may end in `*`): matched segment by segment.
        case segmented
    }

    enum Segment: Sendable, Equatable {
        case literal(String)
        case any
    }

    let kind: Kind
    /// What identifies the pattern in its index: the path for `.exact`, the text before `*` for
    /// `.prefix`, the whole pattern for `.segmented` (as Vault keys its trees).
    let key: String
    /// For `.segmented`: the segments of the pattern without its trailing `*`. When `isPrefix`,
    /// the last one is a literal that the path segment only has to start with.
    let segments: [Segment]
    let priority: PathPriority

    init(_ pattern: String) {
        let isPrefix = pattern.hasSuffix("*")
        let body = isPrefix ? String(pattern.dropLast()) : pattern
        let parts = body.split(separator: "/", omittingEmptySubsequences: false)
        // `+` is a wildcard only as a whole segment; `a+b` is an ordinary name.
        let wildcardCount = parts.reduce(0) { $0 + ($1 == "+" ? 1 : 0) }

        if wildcardCount == 0 {
            kind = isPrefix ? .prefix : .exact
            key = body
            segments = []
            let firstWildcard = isPrefix ? body.utf8.count : Int.max
            priority = PathPriority(
                firstWildcard: firstWildcard, isPrefix: isPrefix, wildcards: 0, comparablePath: body)
        } else {
            kind = .segmented
            key = pattern
            segments = parts.map { $0 == "+" ? .any : .literal(String($0)) }
            var offset = 0
            for part in parts {
                if part == "+" { break }
                offset += part.utf8.count + 1
            }
            priority = PathPriority(
                firstWildcard: offset, isPrefix: isPrefix, wildcards: wildcardCount, comparablePath: body)
        }
    }
}

extension PathPattern {
    /// Whether some path below `mountPath` (ending in `/`) can match this pattern.
    func canMatch(under mountPath: String) -> Bool {
        switch kind {
        case .exact, .prefix:
            return key.hasPrefix(mountPath)
        case .segmented:
            let mountSegments = mountPath.split(separator: "/")
            for (index, mountSegment) in mountSegments.enumerated() {
                guard index < segments.count else { return false }
                let isLast = index == segments.count - 1
                switch segments[index] {
                case .any: continue
                case .literal(let literal) where isLast && priority.isPrefix:
                    return mountSegment.hasPrefix(literal)
                case .literal(let literal):
                    guard mountSegment == literal else { return false }
                }
            }
            return true
        }
    }
}

/// Vault's "path priority" between two matching non-exact patterns. `a < b` means `a` loses:
/// 1. its first wildcard (`+` or `*`) comes earlier;
/// 2. it ends in `*` and the other does not;
/// 3. it has more `+` segments;
/// 4. it is shorter;
/// 5. it is smaller in byte-wise lexical order.
struct PathPriority: Sendable, Comparable {
    let firstWildcard: Int
    let isPrefix: Bool
    let wildcards: Int
    /// The pattern without its trailing `*`.
    let comparablePath: String

    static func < (a: PathPriority, b: PathPriority) -> Bool {
        if a.firstWildcard != b.firstWildcard { return a.firstWildcard < b.firstWildcard }
        if a.isPrefix != b.isPrefix { return a.isPrefix }
        if a.wildcards != b.wildcards { return a.wildcards > b.wildcards }
        let lengthA = a.comparablePath.utf8.count
        let lengthB = b.comparablePath.utf8.count
        if lengthA != lengthB { return lengthA < lengthB }
        return a.comparablePath.utf8.lexicographicallyPrecedes(b.comparablePath.utf8)
    }

    static func == (a: PathPriority, b: PathPriority) -> Bool {
        a.firstWildcard == b.firstWildcard && a.isPrefix == b.isPrefix && a.wildcards == b.wildcards
            && a.comparablePath == b.comparablePath
    }
}
