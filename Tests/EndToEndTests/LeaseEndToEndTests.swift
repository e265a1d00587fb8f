import CustosCore
import CustosJSON
import CustosTesting
import Foundation
import Testing

/// Leases on a real `custos server` with the test-only file engine (`CUSTOS_ENABLE_TEST_ENGINES=1`):
/// each issued secret is a file in a directory, so what the server revoked is visible on disk.
@Suite("leases end to end")
struct LeaseEndToEndTests {
    static let testEngines = ["CUSTOS_ENABLE_TEST_ENGINES": "1"]

    func startDev(_ token: String) async throws -> ServerProcess {
        try await ServerProcess.start(
            arguments: ["server", "-dev", "-dev-listen-address=127.0.0.1:0", "-dev-root-token-id=\(token)"],
            environment: Self.testEngines)
    }

    func mountFiles(_ client: VaultTestClient, at path: String = "files", directory: URL) async throws {
        let response = try await client.write("sys/mounts/\(path)", [
            "type": "test-file-lease", "options": .object(["directory": .string(directory.path)]),
        ])
        #expect(response.status == 204, "mount failed: \(response.text)")
    }

    func files(in directory: URL) -> Set<String> {
        Set((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
    }

    func fileName(_ leaseID: String) -> String { String(leaseID.split(separator: "/").last ?? "") }

    /// Polls `condition` until it holds or `seconds` pass (the server's timers run on real time).
    func eventually(within seconds: Double, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return try await condition()
    }

    @Test func expiryRenewRevokeAndTokenCascade() async throws {
        let dir = try TemporaryDirectory()
        let objects = dir.url.appendingPathComponent("objects")
        let server = try await startDev("lease-root")
        defer { Task { await server.stop() } }
        let client = VaultTestClient(address: server.address, token: "lease-root")
        try await mountFiles(client, directory: objects)

        // Expiry on time: a short lease disappears, with its file. 6 s, not less: the checks right
        // after issuing must not race the expiry on a loaded machine.
        let issuedAt = ContinuousClock.now
        let short = try await client.write("files/creds/short", ["ttl": "6s"])
        #expect(short.status == 200, "\(short.text)")
        let shortID = try #require(short.json?["lease_id"]?.stringValue)
        #expect(short.json?["lease_duration"] == .int(6))
        // Its file exists while the lease lives; a starved test process may only look after that.
        let present = files(in: objects).contains(fileName(shortID))
        if ContinuousClock.now - issuedAt < .seconds(6) { #expect(present) }
        let expired = try await eventually(within: 30) {
            try await client.write("sys/leases/lookup", ["lease_id": .string(shortID)]).status == 400
        }
        #expect(expired)
        #expect(!files(in: objects).contains(fileName(shortID)))

        // Lookup and renew, capped by the role's max TTL with Vault's warning.
        let long = try await client.write("files/creds/long", ["ttl": 60, "max_ttl": 100])
        let longID = try #require(long.json?["lease_id"]?.stringValue)
        let lookup = try await client.write("sys/leases/lookup", ["lease_id": .string(longID)])
        #expect(lookup.data?["id"] == .string(longID))
        #expect(lookup.data?["renewable"] == .bool(true))
        let renewed = try await client.write("sys/leases/renew", ["lease_id": .string(longID), "increment": "1h"])
        #expect(renewed.status == 200)
        #expect((renewed.json?["lease_duration"].flatMap { if case .int(let v) = $0 { v } else { nil } } ?? 0) <= 100)
        #expect(renewed.json?["warnings"].flatMap { if case .array(let a) = $0 { a.count } else { nil } } == 1)
        let unknown = try await client.write("sys/leases/renew", ["lease_id": "files/creds/long/nope"])
        #expect(unknown.status == 400)

        // Prefix revoke.
        for _ in 0..<3 { _ = try await client.write("files/creds/batch", [:]) }
        let list = try await client.list("sys/leases/lookup/files/creds/batch/")
        #expect(list.data?["keys"].flatMap { if case .array(let a) = $0 { a.count } else { nil } } == 3)
        #expect(try await client.write("sys/leases/revoke-prefix/files/creds/batch", [:]).status == 204)
        #expect(try await client.list("sys/leases/lookup/files/creds/batch/").status == 404)
        #expect(files(in: objects) == [fileName(longID)])

        // Revoking a token revokes its leases.
        let created = try await client.write("auth/token/create", ["policies": .array([.string("root")])])
        let childToken = try #require(created.json?["auth"]?.objectValue?["client_token"]?.stringValue)
        let child = VaultTestClient(address: server.address, token: childToken)
        let owned = try await child.write("files/creds/owned", [:])
        let ownedID = try #require(owned.json?["lease_id"]?.stringValue)
        #expect(files(in: objects).contains(fileName(ownedID)))
        #expect(try await client.write("auth/token/revoke", ["token": .string(childToken)]).status == 204)
        #expect(!files(in: objects).contains(fileName(ownedID)))
        #expect(try await client.write("sys/leases/lookup", ["lease_id": .string(ownedID)]).status == 400)

        // Revoke one.
        #expect(try await client.write("sys/leases/revoke", ["lease_id": .string(longID)]).status == 204)
        #expect(files(in: objects).isEmpty)
    }

    /// A token's own TTL runs on the expiration manager: nobody presents the token again, yet it
    /// is revoked on time and takes its secret with it.
    @Test func anExpiringTokenIsRevokedWithItsLeasesWithoutBeingPresented() async throws {
        let dir = try TemporaryDirectory()
        let objects = dir.url.appendingPathComponent("objects")
        let server = try await startDev("token-lease-root")
        defer { Task { await server.stop() } }
        let client = VaultTestClient(address: server.address, token: "token-lease-root")
        try await mountFiles(client, directory: objects)
        // A short-lived token that issues a secret. A starved test process can reach the issuing
        // request only after the token expired (then it is refused, 403): try again with a new
        // token, three times at most.
        let ttl = Duration.seconds(8)
        var issued: (createdAt: ContinuousClock.Instant, token: String, accessor: String, ownedID: String)?
        for _ in 0..<3 where issued == nil {
            let createdAt = ContinuousClock.now
            let created = try await client.write("auth/token/create", ["ttl": "8s", "policies": .array([.string("root")])])
            let auth = try #require(created.json?["auth"]?.objectValue)
            let token = try #require(auth["client_token"]?.stringValue)
            let accessor = try #require(auth["accessor"]?.stringValue)
            let owned = try await VaultTestClient(address: server.address, token: token).write("files/creds/owned", ["ttl": "1h"])
            if let ownedID = owned.json?["lease_id"]?.stringValue {
                issued = (createdAt, token, accessor, ownedID)
            } else {
                #expect(owned.status == 403 && ContinuousClock.now - createdAt >= ttl, "refused while alive: \(owned.text)")
            }
        }
        let (createdAt, token, accessor, ownedID) = try #require(issued, "three tokens expired before they could issue a secret")
        // The state before the expiry is checked only while the token can still be alive: on a
        // very loaded machine the checks may run after it, and the revocation below is the point.
        let filesBefore = files(in: objects)
        let listed = try await client.list("sys/leases/lookup/auth/token/create/")
        if ContinuousClock.now - createdAt < ttl {
            #expect(filesBefore == [fileName(ownedID)])
            // The token's lease, by its salted id (never the token).
            #expect(listed.data?["keys"].flatMap { if case .array(let a) = $0 { a.count } else { nil } } == 1)
        }
        #expect(!listed.text.contains(token))
        let revoked = try await eventually(within: 30) { files(in: objects).isEmpty }
        #expect(revoked)
        #expect(try await client.write("sys/leases/lookup", ["lease_id": .string(ownedID)]).status == 400)
        #expect(try await client.write("auth/token/lookup-accessor", ["accessor": .string(accessor)]).status != 200)
        #expect(try await client.list("sys/leases/lookup/auth/token/create/").status == 404)
    }

    @Test func leaseCLI() async throws {
        let dir = try TemporaryDirectory()
        let objects = dir.url.appendingPathComponent("objects")
        let server = try await startDev("lease-cli-root")
        defer { Task { await server.stop() } }
        let client = VaultTestClient(address: server.address, token: "lease-cli-root")
        try await mountFiles(client, directory: objects)
        let env = ["CUSTOS_ADDR": server.address, "CUSTOS_TOKEN": "lease-cli-root", "HOME": dir.url.path]
        let issued = try await client.write("files/creds/cli", ["ttl": "1h", "max_ttl": "2h"])
        let id = try #require(issued.json?["lease_id"]?.stringValue)

        let lookup = try await CLI.run(["lease", "lookup", id], env: env)
        #expect(lookup.exitCode == 0, "\(lookup.stderr)")
        #expect(lookup.stdout.contains("expire_time"))
        #expect(lookup.stdout.contains(id))

        let renew = try await CLI.run(["lease", "renew", "-increment=30m", id], env: env)
        #expect(renew.exitCode == 0, "\(renew.stderr)")
        #expect(renew.stdout.contains("lease_duration"))
        #expect(renew.stdout.contains("30m"))

        let list = try await CLI.run(["list", "sys/leases/lookup/files/creds/cli/"], env: env)
        #expect(list.exitCode == 0, "\(list.stderr)")
        #expect(list.stdout.contains(fileName(id)))

        let revoke = try await CLI.run(["lease", "revoke", "-sync", id], env: env)
        #expect(revoke.exitCode == 0, "\(revoke.stderr)")
        #expect(revoke.stdout.contains("Success! Revoked lease: \(id)"))
        #expect(files(in: objects).isEmpty)

        for _ in 0..<2 { _ = try await client.write("files/creds/p", [:]) }
        let prefix = try await CLI.run(["lease", "revoke", "-prefix", "-sync", "files/creds/p"], env: env)
        #expect(prefix.exitCode == 0, "\(prefix.stderr)")
        #expect(files(in: objects).isEmpty)

        _ = try await client.write("files/creds/f", [:])
        let forceWithoutPrefix = try await CLI.run(["lease", "revoke", "-force", "files/creds/f"], env: env)
        #expect(forceWithoutPrefix.exitCode != 0)
        let force = try await CLI.run(["lease", "revoke", "-force", "-prefix", "files/creds/f"], env: env)
        #expect(force.exitCode == 0, "\(force.stderr)")
        #expect(force.stdout.contains("Force revoked"))
        #expect(files(in: objects).count == 1)  // force does not ask the engine
    }

    /// `kill -9` during a burst of issuance, then a restart: every file is leased or rolled back,
    /// and every acknowledged lease survives.
    @Test func killDuringIssuanceLosesNothing() async throws {
        let dir = try TemporaryDirectory()
        let objects = dir.url.appendingPathComponent("objects")
        let config = try persistentConfig(in: dir)
        let server = try await ServerProcess.start(arguments: ["server", "-config", config.path], environment: Self.testEngines)
        var client = VaultTestClient(address: server.address)
        let initialised = try await client.request("PUT", "sys/init", json: ["secret_shares": 1, "secret_threshold": 1], useToken: false)
        let key = try #require(initialised.json?["keys"].flatMap { if case .array(let a) = $0 { a.first?.stringValue } else { nil } })
        let root = try #require(initialised.json?["root_token"]?.stringValue)
        _ = try await client.request("PUT", "sys/unseal", json: ["key": .string(key)], useToken: false)
        client.token = root
        try await mountFiles(client, directory: objects)

        let issuer = client
        let acknowledged = try await withThrowingTaskGroup(of: [String].self) { group in
            for _ in 0..<8 {
                group.addTask {
                    var ids: [String] = []
                    while true {
                        guard let response = try? await issuer.write("files/creds/burst", [:]),
                              response.status == 200, let id = response.json?["lease_id"]?.stringValue else { return ids }
                        ids.append(id)
                    }
                }
            }
            // Let the burst run, then crash the server in the middle of it.
            _ = try await eventually(within: 60) { files(in: objects).count >= 200 }
            await server.kill()
            var all: [String] = []
            for try await ids in group { all += ids }
            return all
        }
        #expect(acknowledged.count > 0)

        let restarted = try await ServerProcess.start(arguments: ["server", "-config", config.path], environment: Self.testEngines)
        defer { Task { await restarted.stop() } }
        client = VaultTestClient(address: restarted.address, token: root)
        _ = try await client.request("PUT", "sys/unseal", json: ["key": .string(key)], useToken: false)

        func leasedFiles() async throws -> Set<String> {
            let list = try await client.list("sys/leases/lookup/files/creds/burst/")
            guard case .array(let keys)? = list.data?["keys"] else { return [] }
            return Set(keys.compactMap(\.stringValue))
        }
        // Rollback of write-ahead records runs in the background after unseal.
        /// Done when no write-ahead record is left, files and leases match, and no rolled-back
        /// (already expired) lease is still waiting for its revocation.
        func settled() async throws -> Bool {
            let count = try await client.request("GET", "sys/leases/count?type=all")
            guard count.data?["pending_count"] == .int(0) else { return false }
            let leased = try await leasedFiles()
            guard leased == files(in: objects) else { return false }
            for name in leased {
                let lookup = try await client.write("sys/leases/lookup", ["lease_id": .string("files/creds/burst/\(name)")])
                guard case .int(let ttl)? = lookup.data?["ttl"], ttl > 0 else { return false }
            }
            return true
        }
        let filesAfterCrash = files(in: objects).count
        let consistent = try await eventually(within: 60) { try await settled() }
        print("kill -9 burst: acknowledged \(acknowledged.count), files after crash \(filesAfterCrash), leased after restart \(try await leasedFiles().count)")
        let leasedNow = try await leasedFiles()
        let onDisk = files(in: objects)
        #expect(consistent, "after restart: files without a lease \(onDisk.subtracting(leasedNow).sorted()), leases without a file \(leasedNow.subtracting(onDisk).sorted())")
        let leased = try await leasedFiles()
        for id in acknowledged {
            #expect(leased.contains(fileName(id)), "acknowledged lease \(id) lost")
        }
    }
}
