import CustosJSON
import Testing

@testable import CustosCore

/// Policies that OpenBao 2.7.2 accepts, and how it reads them (each case checked against `bao
/// server -dev`): the same text must give the same rules here.
@Suite("Policy compatibility with OpenBao")
struct PolicyCompatibilityTests {
    func rules(_ text: String) throws -> [PathRule] {
        try PolicyParser.parse(name: "p", text: text).rules
    }

    func acl(_ text: String) throws -> ACL {
        ACL(policies: [try PolicyParser.parse(name: "p", text: text)])
    }

    @Test("exactly one leading slash is dropped: /a is a, //a is the literal /a")
    func leadingSlash() throws {
        let acl = try acl(
            """
            path "secret/*" { capabilities = ["read"] }
            path "/secret/x" { capabilities = ["deny"] }
            path "//secret/y" { capabilities = ["deny"] }
            """)
        #expect(acl.capabilityNames(on: "secret/x") == ["deny"])
        // "/secret/y" can match no request path (requests lose their leading slashes).
        #expect(acl.capabilityNames(on: "secret/y") == ["read"])
        #expect(try rules(#"path "//secret/y" { capabilities = ["deny"] }"#).map(\.pattern) == ["/secret/y"])
    }

    @Test("'*' before the end is a literal character, with a warning")
    func literalStar() throws {
        let output = try PolicyParser.parseRules(
            #"path "secret/*/config" { capabilities = ["read"] } path "secret/+/*/x*" { capabilities = ["list"] }"#)
        #expect(output.rules.map(\.pattern) == ["secret/*/config", "secret/+/*/x*"])
        #expect(output.warnings.count == 2)
        #expect(output.warnings.first?.contains("matches a literal '*'") == true)
        let acl = ACL(policies: [Policy(name: "p", rules: output.rules)])
        #expect(acl.capabilityNames(on: "secret/*/config") == ["read"])
        #expect(acl.capabilityNames(on: "secret/a/config") == ["deny"])
        #expect(acl.capabilityNames(on: "secret/a/*/xyz") == ["list"])
        #expect(acl.capabilityNames(on: "secret/a/b/xyz") == ["deny"])
        // `+*` is still refused, as in Vault.
        let error = try #require(throws: PolicyError.self) { try rules(#"path "a/+*" { capabilities = ["read"] }"#) }
        #expect(error.message.contains("invalid use of wildcards ('+*' is forbidden)"))
    }

    @Test("templated paths are stored and match nothing for a token without an identity entity")
    func templatedPaths() throws {
        let text = """
            path "secret/{{identity.entity.id}}/*" { capabilities = ["read", "update"] }
            path "secret/{{ identity.groups.names.g.id }}" { capabilities = ["deny"] }
            path "secret/shared" { capabilities = ["read"] }
            """
        let output = try PolicyParser.parseRules(text)
        #expect(output.rules.map(\.pattern).first == "secret/{{identity.entity.id}}/*")
        #expect(output.rules.map(\.isTemplated) == [true, true, false])
        #expect(output.warnings.count == 2)
        let acl = ACL(policies: [Policy(name: "p", rules: output.rules)])
        #expect(acl.capabilityNames(on: "secret/{{identity.entity.id}}/x") == ["deny"])
        #expect(acl.capabilityNames(on: "secret/e1/x") == ["deny"])
        #expect(acl.capabilityNames(on: "secret/shared") == ["read"])
    }

    @Test(
        "unbalanced template braces are refused with Vault's message",
        arguments: ["secret/{{identity.entity.id/*", "secret/identity.entity.id}}/*", "a/}}{{x", "a/{{x}}}}", "a/{{x{{y}}"])
    func unbalancedTemplates(_ pattern: String) throws {
        let error = try #require(throws: PolicyError.self) {
            try rules("path \"\(pattern)\" { capabilities = [\"read\"] }")
        }
        #expect(error.message == "path \"\(pattern)\": failed to validate policy templating: unbalanced templating characters")
    }

    @Test("JSON is read as HCL 1 folds it: nested objects become labels, lists of objects repeat")
    func jsonFolding() throws {
        let read = PathRule(pattern: "a", capabilities: [.read])
        let list = PathRule(pattern: "b", capabilities: [.list])
        #expect(try rules(#"{"path": {"a": {"capabilities": ["read"]}}, "path": {"b": {"capabilities": ["list"]}}}"#) == [read, list])
        #expect(try rules(#"{"path": [{"a": {"capabilities": ["read"]}, "b": {"capabilities": ["list"]}}]}"#) == [read, list])
        // Labels after the first are ignored, in JSON as in HCL.
        #expect(try rules(#"{"path": {"a": {"extra": {"capabilities": ["read"]}}}}"#) == [read])
        #expect(try rules(#"path "a" "extra" { capabilities = ["read"] }"#) == [read])
        // A block whose members are all objects folds too: the parameter map becomes the body.
        let folded = try #require(throws: PolicyError.self) {
            try rules(#"{"path": {"a": {"allowed_parameters": {"x": []}}}}"#)
        }
        #expect(folded.message == "path \"a\": invalid key \"x\"")
        // A list of objects as a parameter map is read as the map repeated: the lists append.
        let appended = try rules(
            #"{"path": {"a": {"capabilities": ["update"], "allowed_parameters": [{"x": ["1"]}, {"x": ["2"]}]}}}"#)
        #expect(appended.first?.allowedParameters == ["x": ["1", "2"]])
    }

    @Test("shapes OpenBao refuses are refused; a stanza without a label is the path \"path\"")
    func stanzaShapes() throws {
        for text in [
            #"path = [{ "secret/a" = { capabilities = ["read"] } }]"#,
            #"path = { "secret/a" = { capabilities = ["read"] } }"#,
            #"path { "secret/a" { capabilities = ["read"] } }"#,
            #"{"path": {"a": [{"capabilities": ["read"]}]}}"#,
            #"{"path": [{"a": {"capabilities": ["read"]}}, "x"]}"#,
            #"{"path": []}"#,
        ] {
            #expect(throws: PolicyError.self, "\(text)") { try rules(text) }
        }
        #expect(try rules(#"path { capabilities = ["read"] }"#) == [PathRule(pattern: "path", capabilities: [.read])])
    }

    @Test("capabilities: a list only, known names only (OpenBao's scan included), repeats unite")
    func capabilities() throws {
        for (text, message) in [
            (#"path "a" { capabilities = "read" }"#, "capabilities must be a list of strings, got a string"),
            (#"path "a" { capabilities = ["READ"] }"#, #"invalid capability "READ""#),
            (#"path "a" { capabilities = ["subscribe"] }"#, #"invalid capability "subscribe""#),
            (#"path "a" { capabilities = ["root"] }"#, #"invalid capability "root""#),
        ] {
            let error = try #require(throws: PolicyError.self, "\(text)") { try rules(text) }
            #expect(error.message.contains(message), "\(error)")
        }
        #expect(try acl(#"path "a" { capabilities = ["scan", "read"] }"#).capabilityNames(on: "a") == ["read", "scan"])
        #expect(try rules(#"path "a" { capabilities = ["read"] capabilities = ["list"] }"#).first?.capabilities == [.read, .list])
        #expect(try rules(#"{"path": {"a": {"capabilities": ["read"], "capabilities": ["list"]}}}"#).first?.capabilities == [.read, .list])
        // A single value keeps the last occurrence.
        #expect(try rules(#"path "a" { policy = "read" policy = "deny" }"#).first?.capabilities == .deny)
    }

    @Test("unknown keys are refused as Vault does; OpenBao keys Custos cannot honour are refused by name")
    func keys() throws {
        let unknown = try #require(throws: PolicyError.self) { try rules(#"path "a" { capabilities = ["read"] bogus = 1 }"#) }
        #expect(unknown.message == #"path "a": invalid key "bogus""#)
        let top = try #require(throws: PolicyError.self) { try rules("bogus = 1\n") }
        #expect(top.message == #"invalid key "bogus""#)
        for key in ["expiration = \"2030-01-01T00:00:00Z\"", "pagination_limit = 5", "list_scan_response_keys_filter_path = \"{{.key}}\""] {
            let error = try #require(throws: PolicyError.self) { try rules("path \"a\" { capabilities = [\"list\"] \(key) }") }
            #expect(error.code == .unsupportedFeature, "\(key)")
        }
    }

    @Test("repeated parameter names append their lists, so an empty list no longer means any value")
    func repeatedParameters() throws {
        let same = try rules(#"path "a" { capabilities = ["update"] allowed_parameters = { x = [] x = ["1"] } }"#)
        #expect(same.first?.allowedParameters == ["x": ["1"]])
        let repeated = try rules(
            #"path "a" { capabilities = ["update"] denied_parameters = { x = ["1"] } denied_parameters = { x = ["2"] } required_parameters = ["p"] required_parameters = ["q"] }"#)
        #expect(repeated.first?.deniedParameters == ["x": ["1", "2"]])
        #expect(repeated.first?.requiredParameters == ["p", "q"])
        let acl = ACL(policies: [Policy(name: "p", rules: same)])
        #expect(!acl.allows(.update, path: "a", parameters: ["x": .string("2")]).allowed)
        // A bare value where Vault wants a list is refused.
        #expect(throws: PolicyError.self) { try rules(#"path "a" { allowed_parameters = { x = "1" } }"#) }
        #expect(throws: PolicyError.self) { try rules(#"path "a" { required_parameters = "x" }"#) }
    }
}
