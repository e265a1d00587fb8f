/// An engine path pattern with named segments, as the engine declares it: literals, `{name}`
/// (one non-empty segment) and a final `{name*}` (the rest, slashes included, possibly empty).
/// A pattern ending in `/` also matches without it, so `roles/` serves both `LIST roles` and
/// `LIST roles/`.
package struct EnginePathPattern: Sendable, Equatable, CustomStringConvertible {
    enum Segment: Sendable, Equatable {
        case literal(String)
        case name(String)
        case rest(String)
    }

    let segments: [Segment]
    let trailingSlash: Bool
    package let description: String

    /// No `{name}` or `{name*}` segment: the pattern matches its own text.
    var isLiteral: Bool {
        segments.allSatisfy { if case .literal = $0 { true } else { false } }
    }

    /// Patterns are written by engine authors: a malformed one is a programming error, caught by
    /// the engine's tests the first time its table is built.
    package init(_ pattern: String) {
        description = pattern
        trailingSlash = pattern.hasSuffix("/")
        let body = trailingSlash ? String(pattern.dropLast()) : pattern
        var segments: [Segment] = []
        for part in body.split(separator: "/", omittingEmptySubsequences: false) where !(body.isEmpty && part.isEmpty) {
            if part.hasPrefix("{"), part.hasSuffix("*}") {
                segments.append(.rest(String(part.dropFirst().dropLast(2))))
            } else if part.hasPrefix("{"), part.hasSuffix("}") {
                segments.append(.name(String(part.dropFirst().dropLast())))
            } else {
                segments.append(.literal(String(part)))
            }
        }
        precondition(segments.dropLast().allSatisfy { if case .rest = $0 { false } else { true } },
                     "only the last segment of \(pattern) may be {name*}")
        self.segments = segments
    }

    /// The named values when `path` matches, nil otherwise. Walks the path in place: the core
    /// asks every candidate pattern of a table on each request, so a miss allocates nothing.
    package func match(_ path: String) -> EnginePathMatch? {
        var rest = Substring(path)
        if trailingSlash, rest.hasSuffix("/") { rest = rest.dropLast() }
        var values: [String: String] = [:]
        // The segments not matched yet; nil once there are none (an empty path has none).
        var remaining: Substring? = rest.isEmpty ? nil : rest
        for segment in segments {
            if case .rest(let name) = segment {
                values[name] = remaining.map(String.init) ?? ""
                return EnginePathMatch(values: values)
            }
            guard let current = remaining else { return nil }
            let slash = current.firstIndex(of: "/")
            let part = current[..<(slash ?? current.endIndex)]
            remaining = slash.map { current[current.index(after: $0)...] }
            switch segment {
            case .literal(let literal):
                guard part == literal else { return nil }
            case .name(let name):
                guard !part.isEmpty else { return nil }
                values[name] = String(part)
            case .rest:
                break
            }
        }
        return remaining == nil ? EnginePathMatch(values: values) : nil
    }
}

/// The named segments of a matched path.
package struct EnginePathMatch: Sendable, Equatable {
    package var values: [String: String]

    package subscript(_ name: String) -> String { values[name] ?? "" }
}
