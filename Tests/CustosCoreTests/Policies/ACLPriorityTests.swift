import Testing

@testable import CustosCore

/// Vault's path priority: only the highest-priority matching pattern counts.
@Suite("ACL path priority")
struct ACLPriorityTests {
    /// Each case has a `read` rule that must lose to an `update` rule on `path`.
    struct LosingReadCase: Sendable, CustomStringConvertible {
        let loser: String
        let winner: String
        let path: String
        var description: String { "\(winner) beats \(loser) on \(path)" }
    }

    static let cases: [LosingReadCase] = [
        // Rule 1: the first wildcard comes earlier -> lower.
        .init(loser: "secret/+/b", winner: "secret/a/+", path: "secret/a/b"),
        .init(loser: "secret/*", winner: "secret/a*", path: "secret/abc"),
        .init(loser: "+/*", winner: "foo/+/*", path: "foo/bar/bar/baz"),
        .init(loser: "foo/+/(ar/baz", winner: "foo/(ar/+/baz", path: "foo/(ar/(ar/baz"),
        // Rule 2: ending in `*` -> lower.
        .init(loser: "secret/+/b*", winner: "secret/+/b", path: "secret/x/b"),
        .init(loser: "foo/bar/+/baz*", winner: "foo/bar/+/baz", path: "foo/bar/bar/baz"),
        // Rule 3: more `+` segments -> lower.
        .init(loser: "foo/+/+/baz", winner: "foo/+/bar/baz", path: "foo/bar/bar/baz"),
        .init(loser: "foo/+/+/*", winner: "foo/+/bar/baz", path: "foo/bar/bar/baz"),
        .init(loser: "+/*", winner: "*", path: "foo/bar/bar/baz"),
        // The docs' example: same first wildcard, both globs, "secret/+/+/foo/*" has more `+`.
        .init(loser: "secret/+/+/foo/*", winner: "secret/*", path: "secret/a/b/foo/c"),
        .init(loser: "secret/+/*", winner: "secret/*", path: "secret/a/b"),
        // Rule 4: shorter -> lower (same node and across nodes of the segment trie).
        .init(loser: "foo/bar/+/b*", winner: "foo/bar/+/ba*", path: "foo/bar/bar/baz"),
        .init(loser: "a/+/*", winner: "a/+/x/*", path: "a/b/x/y"),
        // Rule 5: lexically smaller -> lower ('+' sorts before 'x').
        .init(loser: "+/+/y", winner: "+/x/+", path: "q/x/y"),
    ]

    @Test("higher-priority pattern wins, nothing merged from the loser", arguments: cases)
    func higherPriorityWins(_ testCase: LosingReadCase) {
        let acl = testACL([(testCase.loser, .read), (testCase.winner, .update)])
        #expect(acl.capabilities(on: testCase.path) == [.update])
        #expect(acl.matchingPattern(for: testCase.path) == testCase.winner)
        #expect(acl.allows(.update, path: testCase.path).allowed)
        #expect(!acl.allows(.read, path: testCase.path).allowed)

        // Declaration order and policy boundaries must not matter.
        let split = ACL(policies: [
            testPolicy("winner", [(testCase.winner, .update)]), testPolicy("loser", [(testCase.loser, .read)]),
        ])
        #expect(split.capabilities(on: testCase.path) == [.update])
    }

    @Test("an exact rule beats every glob, whichever denies")
    func exactBeatsGlobs() {
        let denyGlob = testACL([("secret/*", .deny), ("secret/+", .deny), ("secret/foo", .read)])
        #expect(denyGlob.capabilities(on: "secret/foo") == [.read])
        #expect(denyGlob.allows(.read, path: "secret/foo").allowed)
        #expect(denyGlob.capabilities(on: "secret/bar") == .deny)

        // The docs' example the other way round: exact deny inside a broad grant.
        let docs = testACL([
            ("secret/*", [.create, .read, .update, .patch, .delete, .list]), ("secret/super-secret", .deny),
        ])
        #expect(docs.capabilities(on: "secret/super-secret") == .deny)
        #expect(docs.allows(.read, path: "secret/super-secret").denial == .explicitDeny)
        #expect(docs.allows(.read, path: "secret/other").allowed)
        // A longer glob still does not beat the exact path it also covers.
        let exactVsLongGlob = testACL([("secret/a", .read), ("secret/a*", .update)])
        #expect(exactVsLongGlob.capabilities(on: "secret/a") == [.read])
        #expect(exactVsLongGlob.capabilities(on: "secret/ab") == [.update])
    }

    @Test("only the longest matching prefix glob is considered")
    func longestPrefix() {
        let acl = testACL([("*", .readList), ("secret/*", .deny), ("secret/public/*", [.read])])
        #expect(acl.capabilities(on: "other/x") == .readList)
        #expect(acl.capabilities(on: "secret/x") == .deny)
        #expect(acl.capabilities(on: "secret/public/x") == [.read])
        #expect(acl.capabilities(on: "secret/publicity") == .deny)
    }

    @Test("Vault's documented `+` and glob priority examples")
    func docsExamples() {
        let acl = testACL([
            ("secret/*", [.read]),
            ("secret/+/teamb", [.update]),
            ("secret/+/*", [.list]),
            ("secret/foo/+/bar", [.delete]),
        ])
        // "secret/+/teamb" (first wildcard 7, not a glob) beats "secret/*" (7, glob).
        #expect(acl.capabilities(on: "secret/x/teamb") == [.update])
        // "secret/+/*" loses to "secret/*": same first wildcard, both globs, more `+`.
        #expect(acl.capabilities(on: "secret/x/other") == [.read])
        // "secret/foo/+/bar": first wildcard at 11 beats everything starting at 7.
        #expect(acl.capabilities(on: "secret/foo/x/bar") == [.delete])
        #expect(acl.capabilities(on: "secret/foo/x/bar/more") == [.read])
    }
}
