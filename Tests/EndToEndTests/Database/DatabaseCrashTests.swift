import CustosCore
import CustosJSON
import CustosTesting
import Foundation
import Synchronization
import Testing

/// `kill -9` of a persistent server in the middle of database work, against a real PostgreSQL:
/// after restart and unseal nothing is lost, no database user is left without a lease, and the
/// connection still works.
@Suite("database engine: crash safety")
struct DatabaseCrashTests {
    /// The database roles this test's mount made (the default template: `v-<display>-<role>-...`).
    func usersOf(_ role: String, _ pg: TestPostgres) async throws -> Set<String> {
        Set(try await pg.rows("SELECT rolname FROM pg_roles WHERE rolname LIKE 'v-%-\(role)-%'"))
    }

    func leaseIDs(_ client: VaultTestClient, role: String) async throws -> Set<String> {
        let listed = try await client.list("sys/leases/lookup/database/creds/\(role)/")
        return Set(listed.data?["keys"]?.testStrings ?? [])
    }

    @Test func killDuringACredsBurstLeavesEveryUserLeased() async throws {
        let pg = try TestPostgres.fromEnvironment()
        let root = try await pg.makeRootUser()
        var server = try await PersistentDatabaseServer.start()
        defer { Task { [server] in await server.server.stop() } }
        // A role name of this test's own, so parallel tests' users never count.
        let role = "k9" + UUID().uuidString.prefix(6).lowercased()
        try await DatabaseClients.configure(server.client, pg, rootUser: root, role: role)

        let issuer = server.client
        let acknowledged = try await withThrowingTaskGroup(of: [(username: String, lease: String)].self) { group in
            for _ in 0..<8 {
                group.addTask {
                    var issued: [(username: String, lease: String)] = []
                    while true {
                        guard let response = try? await issuer.read("database/creds/\(role)"), response.status == 200,
                              let lease = response.json?["lease_id"]?.stringValue,
                              let username = response.data?["username"]?.stringValue else { return issued }
                        issued.append((username, lease))
                    }
                }
            }
            // Crash in the middle of the burst, once it is well under way.
            try await DatabaseClients.eventually("the burst to create users", within: 120) {
                try await usersOf(role, pg).count >= 40
            }
            try await server.crashAndRestart()
            var all: [(username: String, lease: String)] = []
            for try await issued in group { all += issued }
            return all
        }
        #expect(acknowledged.count > 0)
        let client = server.client

        // Write-ahead records left by the crash become expired leases, revoked in the background:
        // settled when none is pending and users and leases are one to one.
        let settled = try await DatabaseClients.eventually("users and leases to match after the restart", within: 90) {
            let count = try await client.request("GET", "sys/leases/count?type=all")
            guard count.data?["pending_count"] == .int(0) else { return false }
            return try await usersOf(role, pg).count == leaseIDs(client, role: role).count
        }
        let users = try await usersOf(role, pg)
        let leases = try await leaseIDs(client, role: role)
        print("kill -9 creds burst: acknowledged \(acknowledged.count), users \(users.count), leases \(leases.count)")
        #expect(settled)
        for issued in acknowledged {
            #expect(users.contains(issued.username), "acknowledged user \(issued.username) is gone")
            #expect(leases.contains(String(issued.lease.split(separator: "/").last ?? "")), "acknowledged lease \(issued.lease) lost")
        }

        // Every remaining user is covered by a lease: revoking them all leaves none.
        let revoked = try await client.request("PUT", "sys/leases/revoke-prefix/database/creds/\(role)")
        #expect(revoked.status == 204, "\(revoked.text)")
        #expect(try await usersOf(role, pg).isEmpty)
        #expect(try await leaseIDs(client, role: role).isEmpty)
        let irrevocable = try await client.request("GET", "sys/leases/count?type=irrevocable")
        #expect(irrevocable.data?["lease_count"] == .int(0), "\(irrevocable.text)")
    }

    @Test func killDuringRootRotationsLeavesAWorkingConnection() async throws {
        let pg = try TestPostgres.fromEnvironment()
        let root = try await pg.makeRootUser()
        var server = try await PersistentDatabaseServer.start()
        defer { Task { [server] in await server.server.stop() } }
        try await DatabaseClients.configure(server.client, pg, rootUser: root)

        let rotator = server.client
        let completed = RotationCounter()
        let rotations = Task {
            while let response = try? await rotator.write("database/rotate-root/pg", [:]), response.status == 204 {
                completed.count.add(1, ordering: .relaxed)
            }
        }
        // Rotations back to back; the crash lands in the middle of one of them.
        try await DatabaseClients.eventually("three rotations") { completed.count.load(ordering: .relaxed) >= 3 }
        #expect(try await pg.canLogIn(root.name, root.password) == false)
        let copiesBeforeTheCrash = try server.pluginCopies()
        #expect(!copiesBeforeTheCrash.isEmpty, "the running plugin's private copy")
        try await server.crashAndRestart()
        await rotations.value
        // The killed server's plugin copies are gone: the new server cleared them as it started.
        #expect(try server.pluginCopies().isDisjoint(with: copiesBeforeTheCrash))
        print("kill -9 during rotate-root: \(completed.count.load(ordering: .relaxed)) rotations acknowledged")

        // Whatever password the database holds now, Custos knows it.
        let issued = try await server.client.read("database/creds/readonly")
        #expect(issued.status == 200, "\(issued.text)")
        let username = try #require(issued.data?["username"]?.stringValue)
        #expect(try await pg.canLogIn(username, try #require(issued.data?["password"]?.stringValue)))
        // And rotation goes on working from there.
        let again = try await server.client.write("database/rotate-root/pg", [:])
        #expect(again.status == 204, "\(again.text)")
        #expect(try await server.client.read("database/creds/readonly").status == 200)
        #expect(try await server.client.write("sys/leases/revoke-prefix/database/creds/readonly", [:]).status == 204)
        #expect(try await pg.roleExists(username) == false)
    }
}

private final class RotationCounter: Sendable {
    let count = Atomic<Int>(0)
}
