@testable import CustosCore
import CustosJSON
import Foundation
import Testing
import VaultAPI

/// `sys/policies/acl`, `sys/policy` and `sys/capabilities*` through the core, answering with
/// OpenBao 2.7.2's statuses and messages (each checked against `bao server -dev`).
@Suite struct PolicyEndpointCompatibilityTests {
    func body(_ fields: [String: String]) throws -> String {
        String(decoding: try JSONEncoder().encode(fields), as: UTF8.self)
    }

    func messages(_ t: TokenTestCore, _ operation: LogicalOperation, _ path: String, _ json: String? = nil) async -> [String]? {
        await t.failure(operation, path, json, token: t.root)?.messages
    }

    @Test func builtInNamesAreRefusedWithVaultsMessages() async throws {
        let t = try await TokenTestCore.make()
        let valid = try body(["policy": #"path "a" { capabilities = ["read"] }"#])
        for base in ["sys/policies/acl/", "sys/policy/"] {
            #expect(await messages(t, .update, base + "root", valid) == [#"cannot update "root" policy"#])
            #expect(await messages(t, .update, base + "Response-Wrapping", valid) == [#"cannot update "response-wrapping" policy"#])
            #expect(await messages(t, .delete, base + "root") == [#"cannot delete "root" policy"#])
            #expect(await messages(t, .delete, base + "response-wrapping") == [#"cannot delete "response-wrapping" policy"#])
            #expect(await messages(t, .delete, base + "default") == ["cannot delete default policy"])
        }
        // The text is parsed before the name is refused, as in Vault.
        let malformed = await messages(t, .update, "sys/policies/acl/root", try body(["policy": "bogus"]))
        #expect(malformed?.first?.hasPrefix("failed to parse policy:") == true, "\(malformed ?? [])")
        #expect(await t.failure(.read, "sys/policies/acl/response-wrapping", token: t.root)?.code == .notFound)
    }

    @Test func onlyAnEmptyTextIsRefusedAndLegacyRulesWarn() async throws {
        let t = try await TokenTestCore.make()
        let empty = ["'policy' parameter not supplied or empty"]
        #expect(await messages(t, .update, "sys/policies/acl/e", #"{"policy":""}"#) == empty)
        #expect(await messages(t, .update, "sys/policies/acl/e", "{}") == empty)
        #expect(await messages(t, .update, "sys/policies/acl/e", #"{"rules":"path \"a\" {}"}"#) == empty)
        // Whitespace or a comment alone is an empty policy, stored as such.
        let blank = try await t.call(.update, "sys/policies/acl/blank", try body(["policy": "  \n"]), token: t.root)
        #expect(blank.warnings.isEmpty)
        #expect(try t.json(try await t.call(.read, "sys/policies/acl/blank", token: t.root))["policy"] == .string("  \n"))

        let rules = #"path "secret/r" { capabilities = ["read"] }"#
        for fields in [["rules": rules], ["policy": "", "rules": rules]] {
            let legacy = try await t.call(.update, "sys/policy/legacy", try body(fields), token: t.root)
            #expect(legacy.warnings == ["'rules' is deprecated, please use 'policy' instead"])
        }
        #expect(try t.json(try await t.call(.read, "sys/policy/legacy", token: t.root))["rules"] == .string(rules))
    }

    @Test func aBase64PolicyIsDecodedBeforeParsing() async throws {
        let t = try await TokenTestCore.make()
        let text = "# Uploaded base64-encoded, wrapped at 64 columns\npath \"secret/b64\" {\n  capabilities = [\"read\"]\n}\n"
        let encoded = Data(text.utf8).base64EncodedString(options: .lineLength64Characters)
        #expect(encoded.contains("\r\n"))
        for path in ["sys/policies/acl/b64", "sys/policy/b64"] {
            try await t.call(.update, path, try body(["policy": encoded]), token: t.root)
            #expect(try t.json(try await t.call(.read, "sys/policies/acl/b64", token: t.root))["policy"] == .string(text))
        }
        let token = try await t.createToken(#"{"policies":["b64"]}"#)
        let caps = try t.json(try await t.call(
            .update, "sys/capabilities", try body(["token": token.clientToken, "path": "secret/b64"]), token: t.root))
        #expect(caps["capabilities"] == .array([.string("read")]))

        // Without its padding it is not base64: parsed as written, and refused.
        let unpadded = await messages(t, .update, "sys/policies/acl/u", try body(["policy": "YWJjZA"]))
        #expect(unpadded?.first?.contains("failed to parse policy") == true)
        // Decoded bytes that are not text, or hold a NUL, are clean 400s.
        let binary = await t.failure(.update, "sys/policies/acl/u", try body(["policy": "/w=="]), token: t.root)
        #expect(binary?.code == .badRequest)
        #expect(binary?.messages == ["failed to parse policy: the base64-decoded policy is not UTF-8 text"])
        let nul = Data("path \"a\" {}\u{0}".utf8).base64EncodedString()
        let withNul = await messages(t, .update, "sys/policies/acl/u", try body(["policy": nul]))
        #expect(withNul?.first?.contains("U+0000") == true, "\(withNul ?? [])")
    }

    @Test func writesAnswerWithTheParsersWarnings() async throws {
        let t = try await TokenTestCore.make()
        let response = try await t.call(
            .update, "sys/policies/acl/w",
            try body(["policy": #"path "secret/*/config" { capabilities = ["read"] } path "s/{{identity.entity.id}}" {}"#]),
            token: t.root)
        #expect(response.warnings.count == 2)
        #expect(response.warnings.first?.hasPrefix(#"path "secret/*/config": "#) == true)
    }

    @Test func capabilitiesTrimDeduplicateAndFailAsVault() async throws {
        let t = try await TokenTestCore.make()
        try await t.writePolicy("p", #"path "secret/*" { capabilities = ["read"] } path "/secret/x" { capabilities = ["deny"] }"#)
        let token = try await t.createToken(#"{"policies":["p"]}"#)
        func ask(_ json: String, path: String = "sys/capabilities") async throws -> [String: JSONValue] {
            try t.json(try await t.call(.update, path, json, token: t.root))
        }
        let read = JSONValue.array([.string("read")])
        let deny = JSONValue.array([.string("deny")])
        let tok = token.clientToken

        let trimmed = try await ask(#"{"token":"\#(tok)","paths":[" secret/x "]}"#)
        #expect(trimmed == ["secret/x": deny, "capabilities": deny])
        // Two paths asked, even the same one twice: per-path keys only.
        #expect(try await ask(#"{"token":"\#(tok)","paths":["secret/x"," secret/x"]}"#) == ["secret/x": deny])
        #expect(try await ask(#"{"token":"\#(tok)","paths":"secret/y, secret/x"}"#) == ["secret/y": read, "secret/x": deny])
        // `paths` wins over `path` when it names any.
        #expect(try await ask(#"{"token":"\#(tok)","path":"secret/y","paths":["secret/x"]}"#) == ["secret/x": deny, "capabilities": deny])
        #expect(try await ask(#"{"accessor":"\#(token.accessor)","path":" secret/y"}"#, path: "sys/capabilities-accessor")
            == ["secret/y": read, "capabilities": read])

        func failure(_ json: String, path: String = "sys/capabilities") async -> CustosError? {
            await t.failure(.update, path, json, token: t.root)
        }
        #expect(await failure(#"{"paths":["secret/x"]}"#) == CustosError(.badRequest, "no token found"))
        #expect(await failure(#"{"token":"","paths":["secret/x"]}"#) == CustosError(.badRequest, "no token found"))
        #expect(await failure(#"{"token":5,"paths":["secret/x"]}"#) == CustosError(.badRequest, "no token found"))
        #expect(await failure(#"{"token":"bogus","paths":["secret/x"]}"#) == .badRequest("invalid token"))
        #expect(await failure(#"{"token":"\#(tok)","paths":[]}"#) == .badRequest("paths must be supplied"))
        #expect(await failure(#"{"token":"\#(tok)","paths":""}"#) == .badRequest("paths must be supplied"))
        #expect(await failure(#"{"token":"\#(tok)","paths":"secret/y,,secret/x"}"#) == .badRequest("missing path"))
        // An empty path is reported before the token is looked up.
        #expect(await failure(#"{"token":"bogus","paths":[" "]}"#) == .badRequest("missing path"))
        let accessor = "sys/capabilities-accessor"
        #expect(await failure(#"{"paths":["secret/x"]}"#, path: accessor) == .badRequest("missing accessor"))
        #expect(await failure(#"{"accessor":" \#(token.accessor)","paths":["a"]}"#, path: accessor) == .badRequest("invalid accessor"))
    }
}
