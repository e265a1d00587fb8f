@testable import CustosCore
import CustosJSON
import Foundation
import Synchronization
import Testing

/// What an audit entry holds and what it hides: Vault's shape, every secret string HMAC-ed with
/// the device's salt, the declared username in clear, `log_raw` and `hmac_accessor`.
@Suite("audit entries")
struct AuditEntryTests {
    @Test func hmacIsRFC4231() {
        // RFC 4231, test case 2.
        let hasher = AuditHasher(salt: Data("Jefe".utf8))
        #expect(hasher.hash("what do ya want for nothing?")
            == "hmac-sha256:5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        let nested = hasher.hash(.object(["a": "what do ya want for nothing?", "n": 3, "b": true, "list": ["x"], "user": "u"]), clearKeys: ["user"])
        #expect(nested.objectValue?["a"] == .string(hasher.hash("what do ya want for nothing?")))
        #expect(nested.objectValue?["n"] == 3)
        #expect(nested.objectValue?["b"] == true)
        #expect(nested.objectValue?["list"] == .array([.string(hasher.hash("x"))]))
        #expect(nested.objectValue?["user"] == "u")
    }

    @Test func credentialIssueIsLoggedWithTokenPoliciesAndClearUsername() async throws {
        let test = try await AuditTestCore.make()
        defer { test.cleanUp() }
        try await test.writePolicy("apps", #"path "db/creds/*" { capabilities = ["read"] }"#)
        let app = try await test.token(policies: ["apps"])
        try await test.enableFile()
        try await test.enableFile("raw", file: "raw.log", options: ["log_raw": "true"])
        try await test.enableFile("clear-accessor", file: "accessor.log", options: ["hmac_accessor": "false"])

        let issued = try await test.call(.read, "db/creds/ro", token: app.token)
        let data = try #require(issued.data as? [String: JSONValue])
        let username = try #require(data["username"]?.stringValue)
        let password = try #require(data["password"]?.stringValue)

        let lines = try test.entries()
        let text = try String(contentsOfFile: test.path("audit.log"), encoding: .utf8)
        // The test entry of each enable, then one request and one response line for the issue.
        #expect(lines.first?.at("request", "path") == "sys/audit/test")
        let request = try #require(lines.first { $0["type"] == "request" && $0.at("request", "path") == "db/creds/ro" })
        let response = try #require(lines.first { $0["type"] == "response" && $0.at("request", "path") == "db/creds/ro" })
        #expect(request.at("request", "id") == response.at("request", "id"))

        let hash = { (value: String) async throws -> JSONValue in
            let answer = try await test.call(.update, "sys/audit-hash/file", try String(decoding: JSONEncoder().encode(["input": value]), as: UTF8.self))
            return try #require((answer.data as? [String: String])?["hash"]).map(JSONValue.string) ?? .null
        }
        for entry in [request, response] {
            #expect(entry.at("auth", "client_token") == (try await hash(app.token)))
            #expect(entry.at("auth", "accessor") == (try await hash(app.accessor)))
            #expect(entry.at("auth", "policies") == ["apps", "default"])
            #expect(entry.at("auth", "token_policies") == ["apps", "default"])
            #expect(entry.at("auth", "metadata") == ["app": "billing"])
            #expect(entry.at("auth", "display_name") == "token-app")
            #expect(entry.at("auth", "token_type") == "service")
            #expect(entry.at("auth", "policy_results", "allowed") == true)
            #expect(entry.at("request", "operation") == "read")
            #expect(entry.at("request", "mount_type") == "creds-test")
            #expect(entry.at("request", "mount_point") == "db/")
            #expect(entry.at("request", "client_token") == (try await hash(app.token)))
            #expect(entry.at("request", "client_token_accessor") == (try await hash(app.accessor)))
            #expect(entry.at("request", "namespace", "id") == "root")
            #expect(entry.at("request", "remote_address") == "192.0.2.7")
            #expect(entry.at("request", "remote_port") == 40001)
        }
        #expect(response.at("response", "data", "username") == .string(username))
        #expect(response.at("response", "data", "password") == (try await hash(password)))
        #expect(response.at("response", "secret", "lease_id") == .string(issued.leaseID))
        #expect(!text.contains(password) && !text.contains(app.token) && !text.contains(app.accessor))

        // hmac_accessor=false: the accessor in clear (an admin can revoke from the log), the token still hashed.
        let accessorLines = try test.entries("accessor.log")
        let clear = try #require(accessorLines.first { $0["type"] == "response" && $0.at("request", "path") == "db/creds/ro" })
        #expect(clear.at("auth", "accessor") == .string(app.accessor))
        #expect(clear.at("request", "client_token_accessor") == .string(app.accessor))
        #expect(clear.at("auth", "client_token")?.stringValue?.hasPrefix("hmac-sha256:") == true)
        #expect(clear.at("response", "data", "password")?.stringValue?.hasPrefix("hmac-sha256:") == true)

        // log_raw=true: everything in clear.
        let raw = try #require(try test.entries("raw.log").first { $0["type"] == "response" && $0.at("request", "path") == "db/creds/ro" })
        #expect(raw.at("response", "data", "password") == .string(password))
        #expect(raw.at("auth", "client_token") == .string(app.token))
    }

    @Test func requestDataIsHashedAndTheRequestIsLoggedBeforeTheEngineRuns() async throws {
        let test = try await AuditTestCore.make()
        defer { test.cleanUp() }
        try await test.enableFile()
        try await test.call(.update, "secret/app", #"{"password": "hunter2", "nested": {"list": ["s3cret"]}, "port": 5432}"#)
        let write = try #require(try test.entries().first { $0["type"] == "request" && $0.at("request", "path") == "secret/app" })
        let hasher = try #require(test.core.auditBroker.device(at: "file/")?.formatter.hasher)
        #expect(write.at("request", "data", "password") == .string(hasher.hash("hunter2")))
        #expect(write.at("request", "data", "nested", "list") == .array([.string(hasher.hash("s3cret"))]))
        #expect(write.at("request", "data", "port") == 5432)
        #expect(write.at("request", "operation") == "create")

        let seen = Mutex<Bool?>(nil)
        test.journal.duringHandle.withLock { hook in
            hook = { request in
                let logged = try String(contentsOfFile: test.path("audit.log"), encoding: .utf8)
                seen.withLock { $0 = logged.contains(request.request.id) }
            }
        }
        try await test.call(.read, "db/creds/ro")
        #expect(seen.withLock { $0 } == true)
    }

    @Test func deniedRequestsAreLoggedWithTheirError() async throws {
        let test = try await AuditTestCore.make()
        defer { test.cleanUp() }
        try await test.writePolicy("none", #"path "secret/other" { capabilities = ["read"] }"#)
        let app = try await test.token(policies: ["none"])
        try await test.enableFile()
        #expect(await test.failure(.read, "db/creds/ro", token: app.token) == .permissionDenied)
        #expect(await test.failure(.read, "db/creds/ro", token: "not-a-token") == .permissionDenied)
        #expect(test.journal.issued.withLock { $0 }.isEmpty)

        let denied = try test.entries().filter { $0.at("request", "path") == "db/creds/ro" }
        #expect(denied.count == 4)
        let known = denied[0], knownResponse = denied[1], unknown = denied[2]
        #expect(known["type"] == "request" && knownResponse["type"] == "response")
        #expect(known["error"] == "permission denied")
        #expect(known.at("auth", "policy_results", "allowed") == false)
        #expect(known.at("auth", "policies") == ["default", "none"] || known.at("auth", "policies") == ["none", "default"])
        #expect(known.at("request", "mount_type") == "creds-test")
        #expect(knownResponse["error"] == "1 error occurred:\n\t* permission denied\n\n")
        #expect(knownResponse.at("response", "data", "error")?.stringValue?.hasPrefix("hmac-sha256:") == true)
        #expect(unknown.at("auth") == ["token_type": "default"])
        #expect(unknown.at("request", "client_token")?.stringValue?.hasPrefix("hmac-sha256:") == true)
        #expect(unknown.at("request", "client_token_accessor") == nil)
    }

    @Test func tokenCreationHashesTheNewToken() async throws {
        let test = try await AuditTestCore.make()
        defer { test.cleanUp() }
        try await test.enableFile()
        let created = try await test.token(policies: ["default"])
        let text = try String(contentsOfFile: test.path("audit.log"), encoding: .utf8)
        #expect(!text.contains(created.token) && !text.contains(created.accessor) && !text.contains(test.root))
        let response = try #require(try test.entries().first { $0["type"] == "response" && $0.at("request", "path") == "auth/token/create" })
        #expect(response.at("response", "auth", "client_token")?.stringValue?.hasPrefix("hmac-sha256:") == true)
        #expect(response.at("response", "auth", "metadata") == ["app": "billing"])
        #expect(response.at("request", "mount_type") == "token")
        #expect(response.at("request", "data", "display_name")?.stringValue?.hasPrefix("hmac-sha256:") == true)
    }

    @Test func linesStayOneLineAndParseWhateverTheStrings() {
        let hasher = AuditHasher(salt: Data("salt".utf8))
        var formatter = AuditFormatter(hasher: hasher)
        formatter.logRaw = true
        formatter.prefix = "AUDIT: "
        let hostile = "quote\" backslash\\ newline\n tab\t nul\u{0} bell\u{7} é 🚀"
        let entry = AuditEntry(
            time: Date(timeIntervalSince1970: 1_800_000_000.25), kind: .request, auth: AuditAuth(),
            request: AuditRequest(id: "id", operation: .update, path: hostile, data: ["k\n": .string(hostile), "d": .double(1.5)]))
        let line = formatter.line(for: entry)
        #expect(line.last == UInt8(ascii: "\n"))
        #expect(line.dropLast().contains(UInt8(ascii: "\n")) == false)
        let text = String(decoding: line, as: UTF8.self)
        #expect(text.hasPrefix("AUDIT: {\"time\":\"2027-01-15T08:00:00.25Z\",\"type\":\"request\","))
        let parsed = try? JSONDecoder().decode([String: JSONValue].self, from: Data(text.dropFirst("AUDIT: ".count).utf8))
        #expect(parsed?.at("request", "path") == .string(hostile))
        #expect(parsed?.at("request", "data", "k\n") == .string(hostile))
        #expect(parsed?.at("request", "data", "d") == .double(1.5))

        formatter.format = .jsonx
        formatter.prefix = ""
        let xml = String(decoding: formatter.line(for: entry), as: UTF8.self)
        #expect(xml.hasPrefix(#"<?xml version="1.0" encoding="UTF-8"?><json:object xsi:schemaLocation="#))
        #expect(xml.contains(#"<json:string name="type">request</json:string>"#))
        #expect(xml.contains("quote&quot; backslash\\ newline&#xA; tab&#x9;"))
        #expect(xml.dropLast().contains("\n") == false)
    }
}
