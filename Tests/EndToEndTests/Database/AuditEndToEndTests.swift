import CustosCore
import CustosJSON
import CustosTesting
import Foundation
import Testing

/// The audit log of a real server issuing real PostgreSQL credentials: who got which credential,
/// provably, with no secret in any log; rotation by SIGHUP; failing closed.
@Suite("audit devices end to end")
struct AuditEndToEndTests {
    /// A dev server with `database/` (connection `pg`, role `readonly`), two file devices (`file/`
    /// with Vault's defaults, `clear/` with `hmac_accessor=false`) and an app token allowed to
    /// read `database/creds/readonly`.
    struct Setup {
        let server: ServerProcess
        let client: VaultTestClient
        let pg: TestPostgres
        let rootUser: (name: String, password: String)
        let directory: TemporaryDirectory
        let app: (token: String, accessor: String)

        var auditLog: URL { directory.url.appendingPathComponent("audit.log") }
        var clearLog: URL { directory.url.appendingPathComponent("clear.log") }

        static func make() async throws -> Setup {
            let pg = try TestPostgres.fromEnvironment()
            let rootUser = try await pg.makeRootUser()
            let directory = try TemporaryDirectory()
            let server = try await ServerProcess.startDev(rootToken: "audit-root")
            let client = VaultTestClient(address: server.address, token: "audit-root")
            for (device, file, extra) in [("file", "audit.log", [:]), ("clear", "clear.log", ["hmac_accessor": "false"])] {
                var options: [String: JSONValue] = ["file_path": .string(directory.url.appendingPathComponent(file).path)]
                for (key, value) in extra { options[key] = .string(value) }
                let enabled = try await client.write("sys/audit/\(device)", ["type": "file", "options": .object(options)])
                #expect(enabled.status == 204, "\(enabled.text)")
            }
            try await DatabaseClients.configure(client, pg, rootUser: rootUser)
            let policy = #"path "database/creds/readonly" { capabilities = ["read"] }"#
            #expect(try await client.request("PUT", "sys/policies/acl/apps", json: ["policy": .string(policy)]).status == 204)
            let created = try await client.write("auth/token/create", ["policies": ["apps"], "display_name": "billing"])
            let auth = try #require(created.json?["auth"]?.objectValue)
            let app = (try #require(auth["client_token"]?.stringValue), try #require(auth["accessor"]?.stringValue))
            return Setup(server: server, client: client, pg: pg, rootUser: rootUser, directory: directory, app: app)
        }

        func creds() async throws -> VaultTestClient.Response {
            var client = self.client
            client.token = app.token
            return try await client.read("database/creds/readonly")
        }

        func hash(_ value: String, device: String = "file") async throws -> String {
            let answer = try await client.write("sys/audit-hash/\(device)", ["input": .string(value)])
            #expect(answer.status == 200, "\(answer.text)")
            return try #require(answer.data?["hash"]?.stringValue)
        }

        static func entries(_ file: URL) throws -> [[String: JSONValue]] {
            try String(contentsOf: file, encoding: .utf8).split(separator: "\n").map {
                try JSONDecoder().decode([String: JSONValue].self, from: Data($0.utf8))
            }
        }

        /// The response entry of the request `id`.
        static func response(_ file: URL, id: String) throws -> [String: JSONValue]? {
            try entries(file).first { $0["type"] == "response" && $0["request"]?.objectValue?["id"]?.stringValue == id }
        }

        /// Sends SIGHUP and waits for the server to report that its devices reopened.
        func hangUp() async throws {
            let before = server.log.components(separatedBy: "audit devices reopened").count
            #expect(kill(server.pid, SIGHUP) == 0)
            try await DatabaseClients.eventually("the server to reopen its audit devices", within: 20) {
                server.log.components(separatedBy: "audit devices reopened").count > before
            }
            #expect(server.isRunning)
        }
    }

    @Test func aCredentialLeadsBackToItsTokenAndNoSecretIsLogged() async throws {
        let setup = try await Setup.make()
        defer { Task { await setup.server.stop() } }
        let issued = try await setup.creds()
        #expect(issued.status == 200, "\(issued.text)")
        let username = try #require(issued.data?["username"]?.stringValue)
        let password = try #require(issued.data?["password"]?.stringValue)
        let leaseID = try #require(issued.json?["lease_id"]?.stringValue)
        let requestID = try #require(issued.json?["request_id"]?.stringValue)

        // Default device: the username in clear, everything secret HMAC-ed with the device's salt.
        let entry = try #require(try Setup.response(setup.auditLog, id: requestID))
        let response = try #require(entry["response"]?.objectValue)
        let auth = try #require(entry["auth"]?.objectValue)
        #expect(response["data"]?.objectValue?["username"] == .string(username))
        #expect(response["data"]?.objectValue?["password"] == .string(try await setup.hash(password)))
        #expect(response["secret"]?.objectValue?["lease_id"] == .string(leaseID))
        #expect(auth["accessor"] == .string(try await setup.hash(setup.app.accessor)))
        #expect(auth["client_token"] == .string(try await setup.hash(setup.app.token)))
        #expect(auth["policies"] == ["apps", "default"])
        #expect(auth["display_name"] == "token-billing")
        #expect(entry["request"]?.objectValue?["path"] == "database/creds/readonly")
        #expect(entry["request"]?.objectValue?["mount_type"] == "database")
        #expect(entry["request"]?.objectValue?["remote_address"] == "127.0.0.1")
        let requestEntry = try #require(try Setup.entries(setup.auditLog).first {
            $0["type"] == "request" && $0["request"]?.objectValue?["id"]?.stringValue == requestID
        })
        #expect(requestEntry["auth"] == entry["auth"])

        // hmac_accessor=false: the accessor in clear, so the trace ends at a token an admin can act on.
        let clear = try #require(try Setup.response(setup.clearLog, id: requestID))
        #expect(clear["auth"]?.objectValue?["accessor"] == .string(setup.app.accessor))
        #expect(clear["auth"]?.objectValue?["policies"] == ["apps", "default"])
        #expect(clear["response"]?.objectValue?["data"]?.objectValue?["username"] == .string(username))
        #expect(clear["response"]?.objectValue?["data"]?.objectValue?["password"] == .string(try await setup.hash(password, device: "clear")))
        let traced = try await setup.client.write("auth/token/lookup-accessor", ["accessor": .string(setup.app.accessor)])
        #expect(traced.data?["display_name"] == "token-billing", "\(traced.text)")

        // No password, token or connection secret in clear in any audit file or the server's output.
        let texts = [try String(contentsOf: setup.auditLog, encoding: .utf8), try String(contentsOf: setup.clearLog, encoding: .utf8), setup.server.log]
        for (index, text) in texts.enumerated() {
            // The dev server's banner prints its root token by design (dev mode only).
            let secrets = [password, setup.app.token, setup.rootUser.password] + (index < 2 ? ["audit-root"] : [])
            for secret in secrets {
                #expect(!text.contains(secret), "a secret in clear in log \(index)")
            }
        }
        #expect(texts[0].contains(username) && texts[1].contains(username))
        #expect(!texts[0].contains(setup.app.accessor))
    }

    /// The steps of docs/operations.md ("Tracing a database user back to its token") with the
    /// default device, where the accessor is HMAC-ed: grep, jq, then `sys/audit-hash` per accessor.
    @Test func theDocumentedTraceFindsTheToken() async throws {
        let setup = try await Setup.make()
        defer { Task { await setup.server.stop() } }
        let issued = try await setup.creds()
        let username = try #require(issued.data?["username"]?.stringValue)
        let leaseID = try #require(issued.json?["lease_id"]?.stringValue)
        let script = #"""
            set -euo pipefail
            log="$1"; user="$2"
            grep -hF "\"username\":\"$user\"" "$log" | \
              jq -r 'select(.type == "response") | "LEASE \(.response.secret.lease_id) POLICIES \(.auth.policies | join(","))"'
            hashed=$(grep -hF "\"username\":\"$user\"" "$log" | jq -r 'select(.type == "response") | .auth.accessor')
            for a in $(custos list -format=json auth/token/accessors | jq -r '.[]'); do
                [ "$(custos write -field=hash sys/audit-hash/file input="$a")" = "$hashed" ] && echo "ACCESSOR $a"
            done
            jq -c "select(.auth.accessor == \"$hashed\") | .request.path" "$log" | sort -u
            """#
        let custos = try BuildProducts.url(of: "custos").deletingLastPathComponent().path
        let result = try await ChildProcess.run(
            executable: URL(fileURLWithPath: "/bin/bash"), arguments: ["-c", script, "trace", setup.auditLog.path, username],
            environment: [
                "PATH": "\(custos):/usr/local/bin:/usr/bin:/bin", "CUSTOS_ADDR": setup.server.address,
                "CUSTOS_TOKEN": "audit-root", "HOME": setup.directory.url.path,
            ])
        #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains("LEASE \(leaseID) POLICIES apps,default"), "\(result.stdout)")
        #expect(lines.filter { $0.hasPrefix("ACCESSOR ") } == ["ACCESSOR \(setup.app.accessor)"], "\(result.stdout)")
        #expect(lines.contains("\"database/creds/readonly\""), "\(result.stdout)")
    }

    @Test func sighupAfterRotationWritesToANewFile() async throws {
        let setup = try await Setup.make()
        defer { Task { await setup.server.stop() } }
        let first = try await setup.creds()
        let firstID = try #require(first.json?["request_id"]?.stringValue)
        let rotated = setup.directory.url.appendingPathComponent("audit.log.1")
        try FileManager.default.moveItem(at: setup.auditLog, to: rotated)
        try await setup.hangUp()

        let second = try await setup.creds()
        #expect(second.status == 200, "\(second.text)")
        let secondID = try #require(second.json?["request_id"]?.stringValue)
        #expect(try Setup.response(setup.auditLog, id: secondID) != nil)
        #expect(try Setup.response(setup.auditLog, id: firstID) == nil)
        #expect(try Setup.response(rotated, id: firstID) != nil)
        #expect(try Setup.response(rotated, id: secondID) == nil)
        var info = stat()
        #expect(stat(setup.auditLog.path, &info) == 0 && info.st_mode & 0o777 == 0o600)
    }

    @Test func noWritableDeviceRefusesCredentials() async throws {
        let setup = try await Setup.make()
        defer { Task { await setup.server.stop() } }
        #expect(try await setup.client.list("sys/leases/lookup/database/creds/readonly").status == 404)
        // Root ignores file permissions: each log becomes a directory, which no one can append to.
        for log in [setup.auditLog, setup.clearLog] {
            try FileManager.default.moveItem(at: log, to: log.appendingPathExtension("old"))
            try FileManager.default.createDirectory(at: log, withIntermediateDirectories: false)
        }
        try await setup.hangUp()

        let refused = try await setup.creds()
        #expect(refused.status == 500)
        #expect(refused.errors == ["internal error"])
        #expect(refused.data == nil && !refused.text.contains("password"))
        #expect(setup.server.log.contains("audit device failed to log"))
        // Refused for root too: nothing is served unaudited.
        #expect(try await setup.client.read("sys/mounts").status == 500)

        // Once a log can be written again, service resumes (the device reopens on its next write);
        // the refused request created no lease (the engine never ran).
        try FileManager.default.removeItem(at: setup.auditLog)
        let leases = try await setup.client.list("sys/leases/lookup/database/creds/readonly")
        #expect(leases.status == 404, "\(leases.text)")
        let issued = try await setup.creds()
        #expect(issued.status == 200, "\(issued.text)")
    }
}
