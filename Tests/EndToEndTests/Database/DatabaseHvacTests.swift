import CustosCore
import CustosJSON
import CustosTesting
import Foundation
import Testing

/// The database engine through hvac, the Python client, as an application or admin script uses it.
@Suite("database engine with hvac")
struct DatabaseHvacTests {
    /// Configures, issues, rotates, lists and deletes through `client.secrets.database`; prints
    /// the issued credentials (`CREDS {json}`) for the test to check in PostgreSQL.
    static let script = #"""
import sys, json, hvac
address, token, url, user, password = sys.argv[1:6]
client = hvac.Client(url=address, token=token)
db = client.secrets.database
db.configure(name="pg", plugin_name="postgresql-database-plugin", allowed_roles=["readonly"],
             connection_url=url, username=user, password=password)
conn = db.read_connection(name="pg")["data"]
assert conn["plugin_name"] == "postgresql-database-plugin", conn
assert conn["allowed_roles"] == ["readonly"], conn
assert conn["connection_details"]["username"] == user, conn
assert "password" not in conn["connection_details"], conn
db.create_role(name="readonly", db_name="pg", default_ttl="1h", max_ttl="24h",
               creation_statements=["CREATE ROLE \"{{name}}\" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';"])
role = db.read_role(name="readonly")["data"]
assert role["db_name"] == "pg" and role["default_ttl"] == 3600 and role["max_ttl"] == 86400, role
creds = db.generate_credentials(name="readonly")
assert creds["lease_duration"] == 3600 and creds["renewable"] is True, creds
assert creds["lease_id"].startswith("database/creds/readonly/"), creds
print("CREDS " + json.dumps({"username": creds["data"]["username"], "password": creds["data"]["password"], "lease_id": creds["lease_id"]}))
rotated = db.rotate_root_credentials(name="pg")
assert rotated.status_code == 204, rotated.status_code
assert db.list_roles()["data"]["keys"] == ["readonly"]
assert db.list_connections()["data"]["keys"] == ["pg"]
assert db.delete_role(name="readonly").status_code == 204
try:
    db.read_role(name="readonly")
    raise SystemExit("deleted role still readable")
except hvac.exceptions.InvalidPath:
    pass
try:
    db.generate_credentials(name="readonly")
    raise SystemExit("credentials for a deleted role")
except hvac.exceptions.InvalidRequest as e:
    print("DELETED " + str(e).split(",")[0])
print("hvac database ok")
"""#

    @Test func hvacDatabaseMethods() async throws {
        let pg = try TestPostgres.fromEnvironment()
        let root = try await pg.makeRootUser()
        let server = try await ServerProcess.startDev(rootToken: "hvac-db-root")
        defer { Task { await server.stop() } }
        let client = VaultTestClient(address: server.address, token: "hvac-db-root")
        #expect(try await client.write("sys/mounts/database", ["type": "database"]).status == 204)

        let result = try await ChildProcess.run(executable: DatabaseClients.env, arguments: [
            "python3", "-c", Self.script, server.address, "hvac-db-root", pg.templatedURL, root.name, root.password,
        ])
        #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("hvac database ok"))
        #expect(result.stdout.contains("DELETED unknown role: readonly"), "\(result.stdout)")

        // The credentials hvac received log in, until the expiry of their lease.
        let line = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("CREDS ") })
        let creds = try DatabaseClients.json(String(line.dropFirst("CREDS ".count)))
        let username = try #require(creds["username"]?.stringValue)
        #expect(try await pg.canLogIn(username, try #require(creds["password"]?.stringValue)))
        #expect(try #require(try await pg.validUntil(username)) > Date().addingTimeInterval(3000).timeIntervalSince1970)
        // hvac rotated the root password: the one the admin wrote no longer works.
        #expect(try await pg.canLogIn(root.name, root.password) == false)
        // Deleting the role left its lease alone (as in Vault); revoking it drops the user.
        let leaseID = try #require(creds["lease_id"]?.stringValue)
        #expect(try await client.write("sys/leases/revoke", ["lease_id": .string(leaseID)]).status == 204)
        #expect(try await pg.roleExists(username) == false)
    }
}
