import CustosCore
import CustosJSON
import CustosTesting
import Foundation
import Testing

/// A connection's `username_template` and `password_policy` (a policy written at
/// `sys/policies/password/<name>`), end to end: the issued users follow them and log in.
@Suite("database engine: username templates and password policies")
struct DatabaseTemplatesAndPoliciesTests {
    static let lowerPolicy = """
        length = 24
        rule "charset" {
          charset = "abcdefghijklmnopqrstuvwxyz0123456789"
        }
        """

    static func matches(_ text: String, _ pattern: String) -> Bool {
        text.range(of: pattern, options: .regularExpression) != nil
    }

    @Test func templatedUsernamesAndPolicyPasswordsLogIn() async throws {
        let pg = try TestPostgres.fromEnvironment()
        let root = try await pg.makeRootUser()
        let dir = try TemporaryDirectory()
        let server = try await ServerProcess.startDev(rootToken: "tpl-root")
        defer { Task { await server.stop() } }
        let client = VaultTestClient(address: server.address, token: "tpl-root")
        func bao(_ arguments: [String]) async throws -> CLI.Result {
            try await DatabaseClients.bao(server.address, token: "tpl-root", home: dir.url, arguments)
        }

        // The policy, written and used through the CLI.
        let policyFile = try dir.file("lower24.hcl", contents: Self.lowerPolicy)
        let written = try await bao(["write", "sys/policies/password/lower24", "policy=@\(policyFile.path)"])
        #expect(written.exitCode == 0, "\(written.stderr)")
        for _ in 0..<5 {
            let generated = try await bao(["read", "-field=password", "sys/policies/password/lower24/generate"])
            #expect(generated.exitCode == 0, "\(generated.stderr)")
            #expect(Self.matches(generated.stdout, "^[a-z0-9]{24}$"), "\(generated.stdout)")
        }
        let table = DatabaseClients.table(try await bao(["read", "sys/policies/password/lower24/generate"]).stdout)
        #expect(Self.matches(table["password"] ?? "", "^[a-z0-9]{24}$"))
        let missing = try await bao(["read", "sys/policies/password/nope/generate"])
        #expect(missing.exitCode == 2)

        #expect(try await client.write("sys/mounts/database", ["type": "database"]).status == 204)
        let connection: [String: JSONValue] = [
            "plugin_name": "postgresql-database-plugin", "connection_url": .string(pg.templatedURL),
            "username": .string(root.name), "password": .string(root.password), "allowed_roles": "*",
        ]
        var templated = connection
        templated["username_template"] = "{{.RoleName}}-{{random 8}}"
        templated["password_policy"] = "lower24"
        let configured = try await client.write("database/config/tpl", templated)
        #expect(configured.status == 204, "\(configured.text)")
        let shown = try await client.read("database/config/tpl")
        #expect(shown.data?["password_policy"] == "lower24")
        #expect(shown.data?["connection_details"]?.objectValue?["username_template"] == "{{.RoleName}}-{{random 8}}", "\(shown.text)")

        #expect(try await client.write("database/roles/app", [
            "db_name": "tpl", "creation_statements": .string(DatabaseEngineEndToEndTests.readonlySQL),
        ]).status == 204)
        var usernames: Set<String> = []
        for _ in 0..<3 {
            let issued = try await client.read("database/creds/app")
            #expect(issued.status == 200, "\(issued.text)")
            let username = try #require(issued.data?["username"]?.stringValue)
            let password = try #require(issued.data?["password"]?.stringValue)
            #expect(Self.matches(username, "^app-[A-Za-z0-9]{8}$"), "\(username)")
            #expect(Self.matches(password, "^[a-z0-9]{24}$"), "\(password)")
            #expect(try await pg.canLogIn(username, password))
            usernames.insert(username)
        }
        #expect(usernames.count == 3)
        #expect(try await client.request("PUT", "sys/leases/revoke-prefix/database/creds/app").status == 204)
        for username in usernames { #expect(try await pg.roleExists(username) == false) }

        // Invalid templates are refused at write, and nothing is stored.
        for (name, template) in [("unclosed", "{{.RoleName"), ("unknown-field", "{{.Nope}}"), ("unknown-function", "{{nope 3}}")] {
            var bad = connection
            bad["username_template"] = .string(template)
            let refused = try await client.write("database/config/\(name)", bad)
            #expect(refused.status == 400, "\(template): \(refused.text)")
            #expect(refused.errors.first?.contains("template") == true, "\(refused.text)")
            #expect(try await client.read("database/config/\(name)").status == 404)
        }
    }

    /// A connection naming a policy that does not exist issues nothing (Vault: the policy is
    /// looked up when a password is needed, so the write itself succeeds).
    @Test func aMissingPasswordPolicyFailsTheIssueNotTheWrite() async throws {
        let pg = try TestPostgres.fromEnvironment()
        let root = try await pg.makeRootUser()
        let server = try await ServerProcess.startDev(rootToken: "tpl-root")
        defer { Task { await server.stop() } }
        let client = VaultTestClient(address: server.address, token: "tpl-root")
        #expect(try await client.write("sys/mounts/database", ["type": "database"]).status == 204)
        let configured = try await client.write("database/config/pg", [
            "plugin_name": "postgresql-database-plugin", "connection_url": .string(pg.templatedURL),
            "username": .string(root.name), "password": .string(root.password), "allowed_roles": "*", "password_policy": "absent",
        ])
        #expect(configured.status == 204, "\(configured.text)")
        #expect(try await client.write("database/roles/app", [
            "db_name": "pg", "creation_statements": .string(DatabaseEngineEndToEndTests.readonlySQL),
        ]).status == 204)
        let refused = try await client.read("database/creds/app")
        #expect(refused.status >= 400, "\(refused.text)")
        #expect(refused.text.contains("absent"), "\(refused.text)")
        #expect(try await pg.rows("SELECT rolname FROM pg_roles WHERE rolname LIKE 'v-%-app-%'").isEmpty)
    }
}
