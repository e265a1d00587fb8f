import CustosCore
import CustosJSON
import CustosTesting
import Foundation
import Testing

/// `custos server -dev -dev-database-url=...`: the quickest first credential.
@Suite("dev server with a database")
struct DevDatabaseTests {
    @Test func theFirstCredentialIsOneCommandAway() async throws {
        let pg = try TestPostgres.fromEnvironment()
        let rootUser = try await pg.makeRootUser()
        let url = "postgresql://\(rootUser.name):\(rootUser.password)@\(pg.host):\(pg.port)/postgres?sslmode=disable"
        let server = try await ServerProcess.startDev(rootToken: "dev-db-root", extraArguments: ["-dev-database-url=\(url)"])
        defer { Task { await server.stop() } }
        #expect(server.log.contains("custos read database/creds/readonly"))

        let creds = try await CLI.run(["read", "-format=json", "database/creds/readonly"], env: [
            "CUSTOS_ADDR": server.address, "CUSTOS_TOKEN": "dev-db-root",
        ])
        #expect(creds.exitCode == 0, "\(creds.stderr)")
        let json = try JSONDecoder().decode([String: JSONValue].self, from: Data(creds.stdout.utf8))
        let username = try #require(json["data"]?.objectValue?["username"]?.stringValue)
        let password = try #require(json["data"]?.objectValue?["password"]?.stringValue)
        #expect(try await pg.canLogIn(username, password))
        // The connection is stored templated: its password is not in the URL.
        let config = try await VaultTestClient(address: server.address, token: "dev-db-root").read("database/config/postgres")
        #expect(config.data?["connection_details"]?.objectValue?["connection_url"]?.stringValue?.contains("{{password}}") == true)
        #expect(!config.text.contains(rootUser.password))
    }

    @Test func aMalformedURLStopsTheServerWithAClearError() async throws {
        let result = try await CLI.run(["server", "-dev", "-dev-listen-address=127.0.0.1:0", "-dev-database-url=mysql://x"])
        #expect(result.exitCode != 0)
        #expect(result.stderr.contains("-dev-database-url must be postgresql://user:password@host:port/database"), "\(result.stderr)")
    }
}
