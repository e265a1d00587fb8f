import CustosJSON
import Testing

@testable import CustosCore

@Suite("ACL parameter constraints and wrapping TTLs")
struct ACLParameterTests {
    private func rule(
        _ pattern: String,
        allowed: [String: [PolicyParameterValue]] = [:],
        denied: [String: [PolicyParameterValue]] = [:],
        required: [String] = [],
        min: Duration? = nil,
        max: Duration? = nil
    ) -> PathRule {
        PathRule(
            pattern: pattern, capabilities: [.create, .update, .read, .delete, .list], allowedParameters: allowed,
            deniedParameters: denied, requiredParameters: required, minWrappingTTL: min, maxWrappingTTL: max)
    }

    private func acl(_ rules: PathRule...) -> ACL { ACL(policies: [Policy(name: "p", rules: rules)]) }

    private func strings(_ pairs: [String: String]) -> [String: JSONValue] {
        pairs.mapValues { .string($0) }
    }

    @Test("allowed_parameters: listed names only, `[]` any value, listed values, `*` other names")
    func allowed() {
        let onlyBar = acl(rule("secret/foo", allowed: ["bar": ["zip", "zap"]]))
        #expect(onlyBar.allows(.create, path: "secret/foo", parameters: strings(["bar": "zip"])).allowed)
        #expect(onlyBar.allows(.create, path: "secret/foo", parameters: strings(["bar": "zap"])).allowed)
        #expect(
            onlyBar.allows(.create, path: "secret/foo", parameters: strings(["bar": "zop"])).denial
                == .parameterNotAllowed("bar"))
        #expect(
            onlyBar.allows(.create, path: "secret/foo", parameters: strings(["baz": "zip"])).denial
                == .parameterNotAllowed("baz"))
        #expect(onlyBar.allows(.create, path: "secret/foo").allowed)
        // Names compare case-insensitively.
        #expect(onlyBar.allows(.update, path: "secret/foo", parameters: strings(["BaR": "zip"])).allowed)

        let anyValue = acl(rule("secret/foo", allowed: ["bar": []]))
        #expect(anyValue.allows(.create, path: "secret/foo", parameters: ["bar": .int(42)]).allowed)
        #expect(!anyValue.allows(.create, path: "secret/foo", parameters: strings(["other": "x"])).allowed)

        let starToo = acl(rule("secret/foo", allowed: ["bar": ["zip", "zap"], "*": []]))
        #expect(starToo.allows(.create, path: "secret/foo", parameters: strings(["other": "x", "bar": "zip"])).allowed)
        #expect(
            !starToo.allows(.create, path: "secret/foo", parameters: strings(["other": "x", "bar": "nope"])).allowed)
        let starOnly = acl(rule("secret/foo", allowed: ["*": []]))
        #expect(starOnly.allows(.create, path: "secret/foo", parameters: strings(["anything": "x"])).allowed)
    }

    @Test("value globs: prefix, suffix, contains; a lone `*` is literal")
    func valueGlobs() {
        let acl = acl(rule("sys/mounts/+", allowed: ["type": ["kv", "database*", "*-plugin", "*mid*", "*"]]))
        func allowed(_ value: String) -> Bool {
            acl.allows(.update, path: "sys/mounts/x", parameters: ["type": .string(value)]).allowed
        }
        #expect(allowed("kv"))
        #expect(!allowed("kv2"))
        #expect(allowed("database"))
        #expect(allowed("databases-v2"))
        #expect(allowed("my-plugin"))
        #expect(allowed("somemidthing"))
        #expect(allowed("*"))
        #expect(!allowed("transit"))
        #expect(ParameterValueMatcher.glob("foo-*", matches: "foo-"))
        #expect(!ParameterValueMatcher.glob("foo-*", matches: "foo"))
        #expect(ParameterValueMatcher.glob("**", matches: "anything"))
    }

    @Test("denied_parameters: `[]` forbids the name, values forbid values, `*` forbids all, beats allowed")
    func denied() {
        let noBar = acl(rule("secret/foo", denied: ["bar": []]))
        #expect(noBar.allows(.create, path: "secret/foo", parameters: strings(["baz": "x"])).allowed)
        #expect(
            noBar.allows(.create, path: "secret/foo", parameters: strings(["bar": "x"])).denial
                == .deniedParameter("bar"))

        let values = acl(rule("secret/foo", denied: ["bar": ["zip", "bad*"]]))
        #expect(values.allows(.create, path: "secret/foo", parameters: strings(["bar": "zap"])).allowed)
        #expect(!values.allows(.create, path: "secret/foo", parameters: strings(["bar": "zip"])).allowed)
        #expect(!values.allows(.create, path: "secret/foo", parameters: strings(["bar": "bad glob"])).allowed)

        let none = acl(rule("secret/foo", denied: ["*": []]))
        #expect(none.allows(.create, path: "secret/foo").allowed)
        #expect(!none.allows(.create, path: "secret/foo", parameters: strings(["a": "b"])).allowed)

        let both = acl(rule("secret/foo", allowed: ["bar": []], denied: ["bar": ["zip"]]))
        #expect(both.allows(.create, path: "secret/foo", parameters: strings(["bar": "zap"])).allowed)
        #expect(
            both.allows(.create, path: "secret/foo", parameters: strings(["bar": "zip"])).denial
                == .deniedParameter("bar"))
    }

    /// A body the core could not read into parameters (`1e400` in it) would let a handler decode
    /// the readable fields past a `denied_parameters` rule: a rule with constraints refuses it,
    /// a rule without any lets it through to the handler.
    @Test("an unreadable body fails a rule that constrains parameters")
    func unreadableBody() {
        let noTTL = acl(rule("secret/foo", denied: ["ttl": []]))
        #expect(noTTL.allows(.update, path: "secret/foo", parameters: nil).denial == .unreadableParameters)
        let required = acl(rule("secret/foo", required: ["ttl"]))
        #expect(!required.allows(.update, path: "secret/foo", parameters: nil).allowed)
        let plain = acl(rule("secret/foo"))
        #expect(plain.allows(.update, path: "secret/foo", parameters: nil).allowed)
        #expect(noTTL.allows(.delete, path: "secret/foo", parameters: nil).allowed)
    }

    /// The reviewer's cases and more, each observed against `bao server -dev` 2.7.2 (HTTP 204
    /// allowed, 403 denied): a list value is one value, never matched element by element, and a
    /// comma-separated string is one string.
    @Test("list values and comma-separated strings are single values (as in OpenBao)")
    func listValues() {
        let acl = acl(
            rule("r", allowed: ["a": ["1", "2"], "b": ["x*", "yes"]]), rule("d", denied: ["d": ["bad*", .int(1)]]))
        func decide(_ parameters: [String: JSONValue]) -> Bool {
            acl.allows(.update, path: parameters["d"] == nil ? "r" : "d", parameters: parameters).allowed
        }
        #expect(decide(["a": .string("1")]))
        #expect(!decide(["a": .int(1)]))
        #expect(!decide(["a": .array([.string("1"), .string("2")])]))
        #expect(!decide(["a": .array([.string("1")])]))
        #expect(!decide(["a": .string("1,2")]))
        #expect(decide(["b": .string("xa")]))
        #expect(!decide(["b": .array([.string("xa"), .string("yes")])]))
        // One string, and "x*" matches all of it.
        #expect(decide(["b": .string("xa,yes")]))
        #expect(!decide(["d": .string("bad1")]))
        #expect(decide(["d": .string("ok")]))
        #expect(decide(["d": .array([.string("bad1")])]))
        #expect(decide(["d": .string("ok,bad1")]))
        #expect(decide(["d": .int(1)]))
        #expect(decide(["d": .string("1")]))
    }

    @Test("typed entries: strings glob strings, booleans equal booleans, numbers and the rest only match `[]`")
    func typedValues() {
        let acl = acl(
            rule(
                "t",
                allowed: [
                    "int": [.int(1), .float(1.5)], "text": ["1", "true"], "bool": [.bool(false)], "map": ["x"],
                    "any": [],
                ]))
        func decide(_ name: String, _ value: JSONValue) -> Bool {
            acl.allows(.create, path: "t", parameters: [name: value]).allowed
        }
        // bao: a JSON number never equals a policy entry (json.Number vs int), nor a string "1".
        #expect(!decide("int", .int(1)))
        #expect(!decide("int", .double(1.5)))
        #expect(!decide("int", .string("1")))
        #expect(!decide("text", .int(1)))
        #expect(!decide("text", .bool(true)))
        #expect(decide("text", .string("true")))
        #expect(decide("bool", .bool(false)))
        #expect(!decide("bool", .bool(true)))
        #expect(!decide("bool", .string("false")))
        #expect(!decide("map", .object(["x": .string("x")])))
        #expect(!decide("map", .null))
        #expect(decide("any", .object(["x": .null])))
        #expect(decide("any", .int(7)))
    }

    @Test("required_parameters must all be present; only for create/read/update/patch")
    func required() {
        let acl = acl(rule("secret/foo", required: ["bar", "Baz"]))
        #expect(acl.allows(.create, path: "secret/foo", parameters: strings(["bar": "1", "baz": "2"])).allowed)
        #expect(
            acl.allows(.create, path: "secret/foo", parameters: strings(["bar": "1"])).denial
                == .missingRequiredParameter("baz"))
        #expect(acl.allows(.update, path: "secret/foo").denial == .missingRequiredParameter("bar"))
        #expect(acl.allows(.delete, path: "secret/foo").allowed)
        #expect(acl.allows(.list, path: "secret/foo").allowed)
    }

    @Test("merging the same pattern: allowed values appended, `[]` absorbs, denied united, required united")
    func merging() {
        let merged = ACL(policies: [
            Policy(
                name: "one",
                rules: [
                    rule("p", allowed: ["test": ["1", "2"], "open": ["x"]], denied: ["d": ["a"]], required: ["foo"])
                ]),
            Policy(
                name: "two",
                rules: [rule("p", allowed: ["test": ["3"], "open": []], denied: ["d": ["b"]], required: ["bar"])]),
        ])
        func decide(_ parameters: [String: String]) -> ACLDecision {
            merged.allows(.update, path: "p", parameters: strings(parameters))
        }
        let base = ["foo": "1", "bar": "1"]
        #expect(decide(base.merging(["test": "3"]) { $1 }).denial == .parameterNotAllowed("bar"))
        let permissive = ACL(policies: [
            Policy(
                name: "one",
                rules: [
                    rule(
                        "p", allowed: ["test": ["1"], "open": ["x"], "*": []], denied: ["d": ["a"]], required: ["foo"])
                ]),
            Policy(
                name: "two",
                rules: [rule("p", allowed: ["test": ["3"], "open": []], denied: ["d": ["b"]], required: ["bar"])]),
        ])
        func decidePermissive(_ parameters: [String: String]) -> ACLDecision {
            permissive.allows(.update, path: "p", parameters: strings(parameters))
        }
        #expect(decidePermissive(base.merging(["test": "3"]) { $1 }).allowed)
        #expect(decidePermissive(base.merging(["test": "1"]) { $1 }).allowed)
        #expect(!decidePermissive(base.merging(["test": "2"]) { $1 }).allowed)
        #expect(decidePermissive(base.merging(["open": "anything"]) { $1 }).allowed)
        #expect(decidePermissive(base.merging(["d": "a"]) { $1 }).denial == .deniedParameter("d"))
        #expect(decidePermissive(base.merging(["d": "b"]) { $1 }).denial == .deniedParameter("d"))
        #expect(decidePermissive(["foo": "1"]).denial == .missingRequiredParameter("bar"))
    }

    @Test("wrapping TTL bounds: required when set, smallest bounds kept when merged")
    func wrapping() {
        let acl = acl(rule("auth/approle/role/my-role/secret-id", min: .seconds(1), max: .seconds(90)))
        let path = "auth/approle/role/my-role/secret-id"
        #expect(acl.allows(.update, path: path).denial == .wrappingRequired)
        #expect(acl.allows(.update, path: path, wrapTTL: .seconds(30)).allowed)
        #expect(acl.allows(.update, path: path, wrapTTL: .seconds(91)).denial == .wrappingTTLOutOfRange)
        #expect(acl.allows(.update, path: path, wrapTTL: .milliseconds(500)).denial == .wrappingTTLOutOfRange)

        // Vault's merge fixture: 100..300 and 50..200 give 50..200.
        let merged = ACL(policies: [
            Policy(name: "a", rules: [rule("hello/universe", min: .seconds(100), max: .seconds(300))]),
            Policy(name: "b", rules: [rule("hello/universe", min: .seconds(50), max: .seconds(200))]),
        ])
        #expect(merged.allows(.update, path: "hello/universe", wrapTTL: .seconds(60)).allowed)
        #expect(!merged.allows(.update, path: "hello/universe", wrapTTL: .seconds(250)).allowed)
        #expect(!merged.allows(.update, path: "hello/universe", wrapTTL: .seconds(40)).allowed)
    }

    @Test("denial reasons never carry parameter values")
    func reasonsWithoutValues() {
        let acl = acl(rule("secret/foo", allowed: ["password": ["x"]], denied: ["token": []]))
        let tooMuch = acl.allows(.update, path: "secret/foo", parameters: strings(["password": "hunter2"]))
        let denied = acl.allows(.update, path: "secret/foo", parameters: strings(["token": "s.abcdef"]))
        for decision in [tooMuch, denied] {
            let text = String(describing: decision)
            #expect(!text.contains("hunter2") && !text.contains("s.abcdef"))
            #expect(!decision.allowed)
        }
        #expect(denied.denial?.description == "parameter \"token\" is denied")
        #expect(tooMuch.denial?.code == "parameter_not_allowed")
    }
}

@Suite("ACL parameter values from JSON")
struct ACLParameterJSONTests {
    @Test("as in Vault, a JSON number matches no policy entry, whatever its spelling")
    func numbersMatchNoEntry() {
        let acl = ACL(policies: [
            Policy(
                name: "p",
                rules: [
                    PathRule(
                        pattern: "r", capabilities: [.update],
                        allowedParameters: ["ttl": ["10", .int(10)], "s": ["10"]])
                ])
        ])
        #expect(!acl.allows(.update, path: "r", parameters: ["ttl": .double(10)]).allowed)
        #expect(!acl.allows(.update, path: "r", parameters: ["ttl": .int(10)]).allowed)
        #expect(acl.allows(.update, path: "r", parameters: ["s": .string("10")]).allowed)
    }
}
