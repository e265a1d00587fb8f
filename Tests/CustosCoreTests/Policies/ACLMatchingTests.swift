import CustosJSON
import SeededRandom
import Testing

@testable import CustosCore

@Suite("ACL matching and merging")
struct ACLMatchingTests {
    /// The rules of Vault's `aclPolicy` test fixture (legacy `policy = ...` spelled as capabilities).
    static let devPolicy = testPolicy(
        "DeV",
        [
            ("dev/*", .sudoAll),
            ("stage/*", .write),
            ("stage/aws/*", [.read, .list, .update, .sudo]),
            ("stage/aws/policy/*", .sudoAll),
            ("prod/*", .readList),
            ("prod/aws/*", .deny),
            ("sys/*", .deny),
            ("foo/bar", [.read, .create, .sudo]),
            ("baz/quux", [.read, .create, .patch]),
            ("test/+/segment", [.read]),
            ("+/segment/at/front", [.read]),
            ("test/segment/at/end/+", [.read]),
            ("test/segment/at/end/v2/+/", [.read]),
            ("test/+/wildcard/+/*", [.read]),
            ("test/+/wildcardglob/+/end*", [.read]),
            ("1/2/*", [.create]),
            ("1/2/+", [.read]),
            ("1/2/+/+", [.update]),
        ])

    /// Vault's `aclPolicy2`, layered on top of the first in `layered`.
    static let opsPolicy = testPolicy(
        "OpS",
        [
            ("dev/hide/*", .deny),
            ("stage/aws/policy/*", [.deny, .read, .update, .sudo]),
            ("prod/*", .write),
            ("sys/seal", .sudoAll),
            ("foo/bar", .deny),
            ("baz/quux", .deny),
        ])

    struct Case: Sendable, CustomStringConvertible {
        let operation: ACLOperation
        let path: String
        let allowed: Bool
        let sudo: Bool
        init(_ operation: ACLOperation, _ path: String, _ allowed: Bool, _ sudo: Bool) {
            self.operation = operation
            self.path = path
            self.allowed = allowed
            self.sudo = sudo
        }
        var description: String { "\(operation) \(path)" }
    }

    @Test(
        "single policy: exact, glob and `+` segments (Vault's table)",
        arguments: [
            Case(.read, "root", false, false),
            Case(.read, "dev/foo", true, true), Case(.update, "dev/foo", true, true),
            Case(.delete, "stage/foo", true, false), Case(.list, "stage/aws/foo", true, true),
            Case(.update, "stage/aws/foo", true, true), Case(.update, "stage/aws/policy/foo", true, true),
            Case(.delete, "prod/foo", false, false), Case(.update, "prod/foo", false, false),
            Case(.read, "prod/foo", true, false), Case(.list, "prod/foo", true, false),
            Case(.read, "prod/aws/foo", false, false),
            Case(.read, "foo/bar", true, true), Case(.list, "foo/bar", false, true),
            Case(.update, "foo/bar", false, true), Case(.create, "foo/bar", true, true),
            Case(.read, "baz/quux", true, false), Case(.create, "baz/quux", true, false),
            Case(.patch, "baz/quux", true, false), Case(.list, "baz/quux", false, false),
            Case(.update, "baz/quux", false, false),
            Case(.read, "test/foo/bar/segment", false, false), Case(.read, "test/foo/segment", true, false),
            Case(.read, "test/bar/segment", true, false), Case(.read, "test/segment/at/frond", false, false),
            Case(.read, "test/segment/at/front", true, false), Case(.read, "test/segment/at/end/foo", true, false),
            Case(.read, "test/segment/at/end/foo/", false, false),
            Case(.read, "test/segment/at/end/v2/foo/", true, false),
            Case(.read, "test/segment/wildcard/at/foo/", true, false),
            Case(.read, "test/segment/wildcard/at/end", true, false),
            Case(.read, "test/segment/wildcard/at/end/", true, false),
            Case(.read, "1/2/3/4", false, false), Case(.read, "1/2/3", true, false),
            Case(.update, "1/2/3", false, false), Case(.update, "1/2/3/4", true, false),
            Case(.create, "1/2/3/4/5", true, false),
        ])
    func single(_ testCase: Case) {
        let acl = ACL(policies: [Self.devPolicy])
        let decision = acl.allows(testCase.operation, path: testCase.path)
        #expect(decision.allowed == testCase.allowed)
        #expect(decision.hasSudo == testCase.sudo)
        #expect(!decision.isRoot)
    }

    @Test(
        "two policies: same pattern unites, deny wins (Vault's layered table)",
        arguments: [
            Case(.read, "root", false, false),
            Case(.read, "dev/foo", true, true), Case(.update, "dev/foo", true, true),
            Case(.read, "dev/hide/foo", false, false), Case(.update, "dev/hide/foo", false, false),
            Case(.delete, "stage/foo", true, false), Case(.list, "stage/aws/foo", true, true),
            Case(.update, "stage/aws/foo", true, true), Case(.update, "stage/aws/policy/foo", false, false),
            Case(.delete, "prod/foo", true, false), Case(.update, "prod/foo", true, false),
            Case(.read, "prod/foo", true, false), Case(.list, "prod/foo", true, false),
            Case(.read, "prod/aws/foo", false, false),
            Case(.read, "sys/status", false, false), Case(.update, "sys/seal", true, true),
            Case(.read, "foo/bar", false, false), Case(.list, "foo/bar", false, false),
            Case(.update, "foo/bar", false, false), Case(.create, "foo/bar", false, false),
            Case(.read, "baz/quux", false, false), Case(.list, "baz/quux", false, false),
            Case(.update, "baz/quux", false, false), Case(.create, "baz/quux", false, false),
            Case(.patch, "baz/quux", false, false),
        ])
    func layered(_ testCase: Case) {
        let acl = ACL(policies: [Self.devPolicy, Self.opsPolicy])
        let decision = acl.allows(testCase.operation, path: testCase.path)
        #expect(decision.allowed == testCase.allowed)
        #expect(decision.hasSudo == testCase.sudo)
    }

    @Test("documented glob examples: exact, prefix and mid-segment prefix")
    func docsGlobs() {
        let acl = testACL([("secret/foo", [.read]), ("secret/bar/*", [.read]), ("secret/zip-*", [.read])])
        #expect(acl.capabilities(on: "secret/foo") == [.read])
        #expect(acl.capabilities(on: "secret/food").isEmpty)
        #expect(acl.capabilities(on: "secret/foo/bar").isEmpty)
        #expect(acl.capabilities(on: "secret/bar/zip") == [.read])
        #expect(acl.capabilities(on: "secret/bar/zip/zap") == [.read])
        #expect(acl.capabilities(on: "secret/bars/zip").isEmpty)
        #expect(acl.capabilities(on: "secret/zip-zap") == [.read])
        #expect(acl.capabilities(on: "secret/zip-zap/zong") == [.read])
        #expect(acl.capabilities(on: "secret/zip/zap").isEmpty)
    }

    @Test("`+` matches exactly one segment, anywhere")
    func plusSegments() {
        let acl = testACL([("secret/+/teamb", [.read]), ("secret/+/+/teamc", [.update]), ("+/x", [.list])])
        #expect(acl.capabilities(on: "secret/foo/teamb") == [.read])
        #expect(acl.capabilities(on: "secret/foo/bar/teamb").isEmpty)
        #expect(acl.capabilities(on: "secret/teamb").isEmpty)
        #expect(acl.capabilities(on: "secret/foo/bar/teamc") == [.update])
        #expect(acl.capabilities(on: "secret/foo/teamc").isEmpty)
        #expect(acl.capabilities(on: "anything/x") == [.list])
        // `+` is a wildcard only as a whole segment.
        let literal = testACL([("secret/a+b", [.read])])
        #expect(literal.capabilities(on: "secret/a+b") == [.read])
        #expect(literal.capabilities(on: "secret/axb").isEmpty)
    }

    @Test("the same pattern in several policies: union, deny wins, sudo tracked")
    func samePatternMerge() {
        let union = ACL(policies: [
            testPolicy("a", [("kv/*", [.read])]), testPolicy("b", [("kv/*", [.update])]),
            testPolicy("c", [("kv/*", [.list])]),
        ])
        #expect(union.capabilities(on: "kv/x") == [.read, .update, .list])
        #expect(union.allows(.update, path: "kv/x").grantingPolicies == ["b"])

        for order in [["read", "deny"], ["deny", "read"]] {
            let acl = ACL(
                policies: order.map { name in
                    testPolicy(name, [("kv/secret", name == "deny" ? .deny : .sudoAll)])
                })
            #expect(acl.capabilities(on: "kv/secret") == .deny)
            #expect(acl.allows(.read, path: "kv/secret").denial == .explicitDeny)
            #expect(!acl.allows(.read, path: "kv/secret").hasSudo)
        }
        // An exact "foo/" and a glob "foo/*" are different patterns and do not merge.
        let distinct = testACL([("foo/", [.read]), ("foo/*", [.update])])
        #expect(distinct.capabilities(on: "foo/") == [.read])
        #expect(distinct.capabilities(on: "foo/x") == [.update])
    }

    @Test("granting policies name only those granting the operation's capability")
    func grantingPolicies() {
        let acl = ACL(policies: [
            testPolicy("granting_policy", [("kv/foo", [.update, .read]), ("kv/path/*", [.read])]),
            testPolicy(
                "granting_policy_merged", [("kv/foo", [.update, .read]), ("kv/path/*", [.read]), ("kv/bar", [.read])]),
        ])
        #expect(acl.allows(.read, path: "kv/foo").grantingPolicies == ["granting_policy", "granting_policy_merged"])
        #expect(
            acl.allows(.read, path: "kv/path/longer").grantingPolicies == ["granting_policy", "granting_policy_merged"])
        #expect(acl.allows(.read, path: "kv/bar").grantingPolicies == ["granting_policy_merged"])
        #expect(acl.allows(.read, path: "kv/bad").grantingPolicies.isEmpty)
        #expect(acl.allows(.read, path: "kv/bad").denial == .noMatchingRule)
        #expect(acl.allows(.delete, path: "kv/foo").denial == .missingCapability(.delete))
    }

    @Test("root grants everything; empty ACL grants nothing")
    func rootAndEmpty() {
        let root = ACL(policies: [BuiltinPolicies.root])
        #expect(root.isRoot)
        #expect(root.capabilities(on: "sys/mounts/anything") == .allGranting)
        #expect(root.capabilityNames(on: "any/path") == ["root"])
        let decision = root.allows(.delete, path: "sys/audit/file", parameters: ["x": .string("y")])
        #expect(decision.allowed && decision.isRoot && decision.hasSudo)

        let empty = ACL(policies: [])
        #expect(!empty.isRoot)
        #expect(empty.capabilities(on: "secret/foo").isEmpty)
        #expect(empty.capabilityNames(on: "secret/foo") == ["deny"])
        #expect(!empty.allows(.read, path: "secret/foo").allowed)
    }

    @Test("sys/capabilities names: sorted, deny when nothing (Vault's capabilities test)")
    func capabilityNames() {
        let acl = ACL(policies: [Self.devPolicy])
        #expect(acl.capabilityNames(on: "dev") == ["deny"])
        #expect(acl.capabilityNames(on: "dev/") == ["create", "delete", "list", "read", "sudo", "update"])
        #expect(acl.capabilityNames(on: "stage/aws/test") == ["list", "read", "sudo", "update"])
        #expect(acl.capabilityNames(on: "prod/aws/x") == ["deny"])
    }

    @Test("listing falls back from `foo/` to rules on `foo`; leading slashes are ignored")
    func listingAndSlashes() {
        let acl = testACL([("secret/app", [.list]), ("kv/+", [.list]), ("kv/+/", [.read])])
        #expect(acl.allows(.list, path: "secret/app/").allowed)
        #expect(!acl.allows(.read, path: "secret/app/").allowed)
        #expect(acl.allows(.list, path: "/secret/app").allowed)
        // Non-exact rules match the path as given: "kv/+/" decides "kv/x/" even for a listing
        // (bao 2.7.2: capabilities of kv/x/ are ["read"]).
        #expect(!acl.allows(.list, path: "kv/x/").allowed)
        #expect(acl.allows(.read, path: "kv/x/").allowed)
        #expect(acl.matchingPattern(for: "kv/x/", operation: .list) == "kv/+/")
        #expect(acl.matchingPattern(for: "kv/x/", operation: .read) == "kv/+/")
    }

    /// Each case observed with `bao token capabilities` against `bao server -dev` 2.7.2.
    @Test(
        "trailing-slash capabilities match OpenBao",
        arguments: [
            ([("secret/+", Capabilities.deny), ("+", [.list])], "secret/", ["deny"]),
            ([("secret/+", Capabilities.deny), ("+", [.list])], "secret", ["list"]),
            ([("secret", [.read]), ("secret/*", [.update])], "secret/", ["read"]),
            ([("secret", [.read])], "secret/", ["read"]),
            ([("secret/", [.read])], "secret", ["deny"]),
            ([("secret*", [.read]), ("secret/+", [.update])], "secret/", ["update"]),
            ([("sec*", [.read]), ("secret/*", [.update])], "secret/", ["update"]),
            ([("+/", [.read]), ("secret", [.update])], "secret/", ["update"]),
            ([("+", [.read])], "secret/", ["read"]),
            ([("+", [.read])], "secret/a/", ["deny"]),
            ([("secret/a", [.read]), ("secret/a/*", [.update])], "secret/a/", ["read"]),
            ([("a/+/c", [.read]), ("a/+", [.update]), ("a/+/+/", [.create])], "a/b/c/", ["create"]),
            ([("a/+/c", [.read]), ("a/+", [.update]), ("a/+/+/", [.create])], "a/b/", ["update"]),
            ([("a/+/c", [.read]), ("a/+", [.update]), ("a/+/+/", [.create])], "a/b/c/d/", ["deny"]),
            ([("a/+/c", [.read]), ("a/+", [.update]), ("a/+/+/", [.create])], "a//", ["update"]),
            ([("a/+/c", [.read]), ("a/+", [.update]), ("a/+/+/", [.create])], "a/b/c//", ["create"]),
            ([("a/+/c*", [.read]), ("a/*", [.update])], "a/b/c/", ["update"]),
        ] as [([(String, Capabilities)], String, [String])])
    func trailingSlashCapabilitiesMatchOpenBao(rules: [(String, Capabilities)], path: String, expected: [String]) {
        #expect(testACL(rules).capabilityNames(on: path) == expected)
    }

    @Test("only a listing falls back to the path without its trailing slash (bao: read kv/x/ is 403)")
    func readDoesNotFallBack() {
        let acl = testACL([("kv/+", [.read, .list])])
        #expect(acl.allows(.list, path: "kv/x/").allowed)
        #expect(!acl.allows(.read, path: "kv/x/").allowed)
    }

    @Test("policy names are trimmed and lower-cased")
    func policyNames() {
        let acl = ACL(policies: [Self.devPolicy, Self.opsPolicy, testPolicy("  Mixed Case ", [])])
        #expect(acl.policyNames == ["dev", "ops", "mixed case"])
        #expect(Policy(name: "ROOT", rules: []).isRoot)
    }

    @Test("the compiled ACL picks the same pattern as a naive port of Vault's lookup")
    func differentialAgainstReference() {
        var random = SplitMix64(seed: 0xC0FFEE)
        let segmentChoices = ["a", "b", "ab", "+", "abc"]
        let pathSegments = ["a", "b", "ab", "abc", "ba", ""]
        for _ in 0..<200 {
            var patterns: [String] = []
            for _ in 0..<Int.random(in: 1...25, using: &random) {
                var segments = (0..<Int.random(in: 1...4, using: &random)).map { _ in
                    segmentChoices.randomElement(using: &random)!
                }
                if Bool.random(using: &random) {
                    if segments.last == "+" { segments.append("") }
                    segments[segments.count - 1] += "*"
                }
                patterns.append(segments.joined(separator: "/"))
            }
            let acl = ACL(policies: [
                Policy(name: "p", rules: patterns.map { PathRule(pattern: $0, capabilities: [.read]) })
            ])
            let reference = ReferenceMatcher(patterns: patterns)
            for _ in 0..<60 {
                var path = (0..<Int.random(in: 1...5, using: &random)).map { _ in
                    pathSegments.randomElement(using: &random)!
                }
                .joined(separator: "/")
                if Bool.random(using: &random) { path += "/" }
                for listing in [false, true] {
                    let expected = reference.winningPattern(for: path, listing: listing)
                    let actual = acl.matchingPattern(for: path, operation: listing ? .list : .read)
                    #expect(actual == expected, "patterns \(patterns) path \(path) listing \(listing)")
                    if actual != expected { return }
                }
            }
        }
    }
}
