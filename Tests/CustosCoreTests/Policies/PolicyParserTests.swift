import CustosJSON
import HCL
import Testing

@testable import CustosCore

@Suite("Policy parsing (HCL and JSON)")
struct PolicyParserTests {
    static let adminHCL = """
        # Manage KV v2 secrets
        path "secret/data/*" { capabilities = ["create", "read", "update", "patch", "delete", "list"] }
        path "secret/+/teamb" { capabilities = ["read"] }
        path "/sys/mounts/*" {
          capabilities = ["sudo", "read"]
          allowed_parameters = { "type" = ["kv", "database*"] , "*" = [] }
          denied_parameters  = { "config" = [] }
          required_parameters = ["type"]
          min_wrapping_ttl = "1s"
          max_wrapping_ttl = 90
        }
        """

    static let adminJSON = """
        {
          "path": {
            "secret/data/*": {"capabilities": ["create", "read", "update", "patch", "delete", "list"]},
            "secret/+/teamb": {"capabilities": ["read"]},
            "/sys/mounts/*": {
              "capabilities": ["sudo", "read"],
              "allowed_parameters": {"type": ["kv", "database*"], "*": []},
              "denied_parameters": {"config": []},
              "required_parameters": ["type"],
              "min_wrapping_ttl": "1s",
              "max_wrapping_ttl": 90
            }
          }
        }
        """

    static let expectedAdminRules = [
        PathRule(pattern: "secret/data/*", capabilities: [.create, .read, .update, .patch, .delete, .list]),
        PathRule(pattern: "secret/+/teamb", capabilities: [.read]),
        PathRule(
            pattern: "sys/mounts/*", capabilities: [.sudo, .read],
            allowedParameters: ["type": ["kv", "database*"], "*": []], deniedParameters: ["config": []],
            requiredParameters: ["type"], minWrappingTTL: .seconds(1), maxWrappingTTL: .seconds(90)),
    ]

    @Test("HCL policy with every rule field")
    func hclPolicy() throws {
        let policy = try PolicyParser.parse(name: " Admin ", text: Self.adminHCL)
        #expect(policy.name == "admin")
        #expect(policy.raw == Self.adminHCL)
        #expect(policy.rules == Self.expectedAdminRules)
    }

    @Test("the JSON form parses to the same rules as the HCL form")
    func jsonEqualsHCL() throws {
        let fromJSON = try PolicyParser.parse(name: "admin", text: Self.adminJSON)
        let fromHCL = try PolicyParser.parse(name: "admin", text: Self.adminHCL)
        #expect(fromJSON.rules == fromHCL.rules)
        // JSON's array-of-objects spelling too.
        let arrayForm = try PolicyParser.parse(
            name: "a", text: #"{"path": [{"a/*": {"capabilities": ["read"]}}, {"b": {"capabilities": ["list"]}}]}"#)
        #expect(
            arrayForm.rules == [
                PathRule(pattern: "a/*", capabilities: [.read]), PathRule(pattern: "b", capabilities: [.list]),
            ])
    }

    @Test("the parsed policy drives the ACL end to end")
    func parsedPolicyInACL() throws {
        let acl = ACL(policies: [try PolicyParser.parse(name: "admin", text: Self.adminHCL), BuiltinPolicies.default])
        #expect(
            acl.capabilityNames(on: "secret/data/app/db") == ["create", "delete", "list", "patch", "read", "update"])
        #expect(acl.capabilityNames(on: "secret/x/teamb") == ["read"])
        let mount = acl.allows(
            .read, path: "sys/mounts/db", parameters: ["type": .string("database")], wrapTTL: .seconds(30))
        #expect(mount.allowed && mount.hasSudo)
        #expect(
            acl.allows(.read, path: "sys/mounts/db", parameters: ["type": .string("transit")], wrapTTL: .seconds(30))
                .denial
                == .parameterNotAllowed("type"))
        #expect(
            acl.allows(
                .read, path: "sys/mounts/db", parameters: ["type": .string("kv"), "config": .string("x")],
                wrapTTL: .seconds(30)
            ).denial
                == .deniedParameter("config"))
        #expect(acl.allows(.update, path: "auth/token/renew-self").allowed)
    }

    @Test("Vault's documented policy examples parse")
    func docsExamples() throws {
        let text = """
            # This section grants all access on "secret/*". Further restrictions can be
            # applied to this broad policy, as shown below.
            path "secret/*" {
              capabilities = ["create", "read", "update", "patch", "delete", "list"]
            }

            # Even though we allowed secret/*, this line explicitly denies
            # secret/super-secret. This takes precedence.
            path "secret/super-secret" {
              capabilities = ["deny"]
            }

            path "secret/restricted" {
              capabilities = ["create"]
              allowed_parameters = {
                "foo" = []
                "bar" = ["zip", "zap"]
              }
            }

            path "secret/foo" {
              capabilities = ["create"]
              allowed_parameters = {
                "bar" = ["foo-*"]
              }
            }
            path "secret/+/+/teamb" { capabilities = ["read"] }
            path "auth/approle/role/my-role/secret-id" {
                capabilities = ["create", "update"]
                min_wrapping_ttl = "1s"
                max_wrapping_ttl = "90s"
            }
            """
        let policy = try PolicyParser.parse(name: "docs", text: text)
        #expect(policy.rules.count == 6)
        #expect(policy.rules[1] == PathRule(pattern: "secret/super-secret", capabilities: .deny))
        #expect(policy.rules[2].allowedParameters == ["foo": [], "bar": ["zip", "zap"]])
        let acl = ACL(policies: [policy])
        #expect(acl.capabilityNames(on: "secret/super-secret") == ["deny"])
        #expect(
            acl.allows(.create, path: "secret/restricted", parameters: ["bar": .string("zap"), "foo": .bool(true)])
                .allowed)
        #expect(!acl.allows(.create, path: "secret/restricted", parameters: ["bar": .string("zop")]).allowed)
        #expect(acl.allows(.create, path: "secret/foo", parameters: ["bar": .string("foo-1")]).allowed)
    }

    @Test("legacy `policy = ...`, numbers and booleans as parameter values, comments")
    func legacyAndScalars() throws {
        let text = """
            name = "ignored"
            path "dev/*" { policy = "sudo" }
            path "prod/*" {
              policy = "read"
              capabilities = ["update"]
              comment = "read plus update"
            }
            path "types" {
              capabilities = ["create"]
              allowed_parameters { "int" = [1, 2] "bool" = [false] "one" = ["single"] }
            }
            """
        let policy = try PolicyParser.parse(name: "legacy", text: text)
        #expect(policy.rules[0].capabilities == [.create, .read, .update, .delete, .list, .sudo])
        #expect(policy.rules[1].capabilities == [.read, .list, .update])
        #expect(
            policy.rules[2].allowedParameters == [
                "int": [.int(1), .int(2)], "bool": [.bool(false)], "one": ["single"],
            ])
    }

    @Test("the default policy text parses to exactly the built-in rules")
    func defaultPolicy() throws {
        let parsed = try PolicyParser.parse(name: "default", text: BuiltinPolicies.defaultPolicyText)
        #expect(parsed.rules == BuiltinPolicies.default.rules)
        let acl = ACL(policies: [BuiltinPolicies.default])
        #expect(acl.capabilityNames(on: "auth/token/lookup-self") == ["read"])
        #expect(acl.capabilityNames(on: "sys/capabilities-self") == ["update"])
        #expect(acl.capabilityNames(on: "cubbyhole/anything/deep") == ["create", "delete", "list", "read", "update"])
        #expect(acl.capabilityNames(on: "sys/mounts") == ["deny"])
        #expect(acl.capabilityNames(on: "identity/oidc/provider/p1/authorize") == ["read", "update"])
    }

    struct Malformed: Sendable, CustomStringConvertible {
        let text: String
        let line: Int
        let column: Int
        let message: String
        var description: String { message }
    }

    @Test(
        "semantic errors are PolicyErrors with line and column",
        arguments: [
            Malformed(
                text: "path \"a\" {\n  capabilities = [\"read\", \"fly\"]\n}", line: 2, column: 18,
                message: "invalid capability \"fly\""),
            Malformed(
                text: "path \"a/+*\" { capabilities = [\"read\"] }", line: 1, column: 1, message: "'+*' is forbidden"),
            Malformed(
                text: "path \"a/{{identity.entity.id\" { capabilities = [\"read\"] }", line: 1, column: 1,
                message: "unbalanced templating characters"),
            Malformed(
                text: "path \"a\" {\n  capabilitys = [\"read\"]\n}", line: 2, column: 3,
                message: "invalid key \"capabilitys\""),
            Malformed(text: "paths \"a\" {\n}", line: 1, column: 1, message: "invalid key \"paths\""),
            Malformed(
                text: "path \"a\" {\n  capabilities = \"read\"\n}", line: 2, column: 18,
                message: "capabilities must be a list of strings, got a string"),
            Malformed(
                text: "path \"a\" {\n  capabilities = [1]\n}", line: 2, column: 18,
                message: "capabilities must be a list of strings, got a list containing an integer"),
            Malformed(
                text: "path \"a\" {\n capabilities = [\"read\"]\n   mfa_methods = [\"m\"]\n}", line: 3, column: 4,
                message: "mfa_methods is not supported"),
            Malformed(
                text: "path \"a\" {\n  policy = \"admin\"\n}", line: 2, column: 12, message: "invalid policy \"admin\""),
            Malformed(
                text: "path \"a\" {\n  min_wrapping_ttl = \"soon\"\n}", line: 2, column: 22,
                message: "not a valid duration"),
            Malformed(
                text: "path \"a\" {\n  min_wrapping_ttl = 60\n  max_wrapping_ttl = 30\n}", line: 3, column: 22,
                message: "cannot be less than"),
            Malformed(
                text: "path \"a\" {\n  allowed_parameters = { \"ty*\" = [] }\n}", line: 2, column: 26,
                message: "cannot contain wildcards"),
            Malformed(
                text: "path \"a\" {\n  denied_parameters = { \"/ptr/x\" = [] }\n}", line: 2, column: 25,
                message: "JSON pointer"),
            Malformed(
                text: "path \"a\" {\n  required_parameters = [\"*\"]\n}", line: 2, column: 25,
                message: "wildcard is not permitted"),
            Malformed(
                text: "path \"a\" {\n  allowed_parameters = { \"x\" = [[\"nested\"]] }\n}", line: 2, column: 32,
                message: "must be strings"),
            Malformed(
                text: "path \"a\" {\n  denied_parameters \"token\" {}\n}", line: 2, column: 3, message: "takes no label"
            ),
        ])
    func semanticErrors(_ malformed: Malformed) throws {
        let error = try #require(throws: PolicyError.self) {
            try PolicyParser.parse(name: "bad", text: malformed.text)
        }
        #expect(error.message.contains(malformed.message), "\(error)")
        #expect(error.position?.line == malformed.line, "\(error)")
        #expect(error.position?.column == malformed.column, "\(error)")
    }

    @Test(
        "syntax and shape errors are HCLErrors with line and column",
        arguments: [
            Malformed(
                text: "path \"a\" {\n  capabilities = [\"read\"\n", line: 3, column: 1,
                message: "expected ']' to close the list opened at line 2, column 18"),
            Malformed(
                text: "path \"a\" {\n  capabilities = [\"read\"]\n  allowed_parameters = [\"x\"]\n}", line: 3, column: 24,
                message: "expected an object"),
            Malformed(
                text: "path \"a\" {\n  required_parameters = [1]\n}", line: 2, column: 25,
                message: "expected a list of strings"),
            Malformed(
                text: "{\"path\": {\"a\": {\"capabilities\": [\"read\"]},}}", line: 1, column: 43,
                message: "expected a quoted key"),
        ])
    func syntaxErrors(_ malformed: Malformed) throws {
        let error = try #require(throws: HCLError.self) {
            try PolicyParser.parse(name: "bad", text: malformed.text)
        }
        #expect(error.message.contains(malformed.message), "\(error)")
        #expect(error.position.line == malformed.line, "\(error)")
        #expect(error.position.column == malformed.column, "\(error)")
    }

    @Test("an empty policy is valid and grants nothing; an empty name or root is not")
    func emptyPolicyAndName() throws {
        let empty = try PolicyParser.parse(name: "empty", text: "# nothing here\n")
        #expect(empty.rules.isEmpty)
        #expect(ACL(policies: [empty]).capabilityNames(on: "secret/x") == ["deny"])
        let error = try #require(throws: PolicyError.self) { try PolicyParser.parse(name: "  ", text: "") }
        #expect(error.code == .invalidName)
        // A parsed policy named root would grant everything: refused whatever its text.
        let root = try #require(throws: PolicyError.self) { try PolicyParser.parse(name: " Root", text: "") }
        #expect(root.code == .invalidName)
    }

    @Test("wrapping TTLs: seconds as number or string, Go duration text, days; to the second")
    func wrappingTTLForms() throws {
        let forms: [(String, Duration)] = [
            ("90", .seconds(90)), ("\"90\"", .seconds(90)), ("\"90s\"", .seconds(90)), ("\"1h30m\"", .seconds(5400)),
            ("\"2d\"", .seconds(172_800)), ("\"1.5s\"", .seconds(1)),
        ]
        for (written, expected) in forms {
            let policy = try PolicyParser.parse(name: "p", text: "path \"a\" { max_wrapping_ttl = \(written) }")
            #expect(policy.rules[0].maxWrappingTTL == expected, "\(written)")
        }
        for bad in ["-5", "\"-5s\"", "\"5 parsecs\"", "true", "[1]"] {
            #expect(throws: PolicyError.self, "\(bad)") {
                try PolicyParser.parse(name: "p", text: "path \"a\" { min_wrapping_ttl = \(bad) }")
            }
        }
    }
}
