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

    /// The named values when `path` matches, nil otherwise.
    package func match(_ path: String) -> EnginePathMatch? {
        var rest = Substring(path)
        if trailingSlash, rest.hasSuffix("/") { rest = rest.dropLast() }
        var values: [String: String] = [:]
        var parts = rest.isEmpty ? [] : rest.split(separator: "/", omittingEmptySubsequences: false)[...]
        for segment in segments {
            switch segment {
            case .rest(let name):
                values[name] = parts.joined(separator: "/")
                return EnginePathMatch(values: values)
            case .literal(let literal):
                guard parts.first == Substring(literal) else { return nil }
                parts = parts.dropFirst()
            case .name(let name):
                guard let part = parts.first, !part.isEmpty else { return nil }
                values[name] = String(part)
                parts = parts.dropFirst()
            }
        }
        return parts.isEmpty ? EnginePathMatch(values: values) : nil
    }
}

/// The named segments of a matched path.
package struct EnginePathMatch: Sendable, Equatable {
    package var values: [String: String]

    package subscript(_ name: String) -> String { values[name] ?? "" }
}
