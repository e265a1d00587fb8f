@testable import CustosCore

/// Shorthand for building policies as Swift values in ACL tests.
func testPolicy(_ name: String, _ rules: [(String, Capabilities)]) -> Policy {
    Policy(name: name, rules: rules.map { PathRule(pattern: $0.0, capabilities: $0.1) })
}

func testACL(_ rules: [(String, Capabilities)]) -> ACL {
    ACL(policies: [testPolicy("test", rules)])
}

extension Capabilities {
    /// Vault's legacy `policy = "write"`.
    static let write: Capabilities = [.create, .read, .update, .delete, .list]
    /// Vault's legacy `policy = "sudo"`.
    static let sudoAll: Capabilities = [.create, .read, .update, .delete, .list, .sudo]
    /// Vault's legacy `policy = "read"`.
    static let readList: Capabilities = [.read, .list]
}

/// A deliberately naive port of Vault's `AllowOperation` path lookup (`acl.go`): scans every
/// rule and sorts the matches. The compiled ACL must pick the same pattern for every path.
struct ReferenceMatcher {
    let patterns: [String]

    func winningPattern(for rawPath: String, listing: Bool) -> String? {
        let path = String(rawPath.drop(while: { $0 == "/" }))  // AllowOperation strips leading slashes
        let exact = patterns.filter { !$0.hasSuffix("*") && !Self.hasSegmentWildcard($0) }
        if exact.contains(path) { return path }
        let trimmed: String? = listing && path.hasSuffix("/") ? String(path.dropLast()) : nil
        if let trimmed, exact.contains(trimmed) { return trimmed }
        if let found = nonExact(path) { return found }
        return trimmed.flatMap(nonExact)
    }

    private func nonExact(_ path: String) -> String? {
        // (first wildcard, is prefix, wildcard count, comparable path, pattern)
        var matches: [(Int, Bool, Int, String, String)] = []
        let prefixRules = patterns.filter { $0.hasSuffix("*") && !Self.hasSegmentWildcard($0) }
        if let longest = prefixRules.filter({ path.hasPrefix(String($0.dropLast())) })
            .max(by: { $0.utf8.count < $1.utf8.count })
        {
            let prefix = String(longest.dropLast())
            matches.append((prefix.utf8.count, true, 0, prefix, longest))
        }
        let pathParts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        for pattern in Set(patterns) where Self.hasSegmentWildcard(pattern) {
            let isPrefix = pattern.hasSuffix("*")
            let body = isPrefix ? String(pattern.dropLast()) : pattern
            let parts = body.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            if pathParts.count < parts.count { continue }
            if !isPrefix && parts.count != pathParts.count { continue }
            var wildcards = 0
            var matched = true
            for (index, part) in parts.enumerated() {
                if part == "+" {
                    wildcards += 1
                } else if part == pathParts[index] {
                    continue
                } else if isPrefix && index == parts.count - 1 && pathParts[index].hasPrefix(part) {
                    continue
                } else {
                    matched = false
                    break
                }
            }
            guard matched else { continue }
            let firstPlus = pattern.utf8.firstIndex(of: UInt8(ascii: "+")).map {
                pattern.utf8.distance(from: pattern.utf8.startIndex, to: $0)
            }!
            matches.append((firstPlus, isPrefix, wildcards, body, pattern))
        }
        let best = matches.max { a, b in
            if a.0 != b.0 { return a.0 < b.0 }
            if a.1 != b.1 { return a.1 }
            if a.2 != b.2 { return a.2 > b.2 }
            if a.3.utf8.count != b.3.utf8.count { return a.3.utf8.count < b.3.utf8.count }
            return a.3.utf8.lexicographicallyPrecedes(b.3.utf8)
        }
        return best?.4
    }

    static func hasSegmentWildcard(_ pattern: String) -> Bool {
        let body = pattern.hasSuffix("*") ? String(pattern.dropLast()) : pattern
        return body.split(separator: "/", omittingEmptySubsequences: false).contains("+")
    }
}
