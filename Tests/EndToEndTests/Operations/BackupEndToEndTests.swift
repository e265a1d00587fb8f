import CustosCore
import CustosJSON
import CustosTesting
import Foundation
import Testing

/// `custos operator backup` on a running server, and the restore procedure of
/// docs/operations.md ("Backup and restore") followed step by step.
@Suite("online backup and restore")
struct BackupEndToEndTests {
    @Test func aBackupTakenWhileServingRestoresIntoAServerThatUnsealsWithTheSameKeys() async throws {
        let original = try await OperationsTestServer.start(shares: 3, threshold: 2)
        let client = original.client
        #expect(try await client.write("sys/mounts/kv", ["type": "kv"]).status == 204)
        #expect(try await client.write("kv/app", ["password": "restored-value"]).status == 204)
        let created = try await client.write("auth/token/create", ["ttl": "24h", "policies": .array([.string("default")])])
        let token = try #require(created.json?["auth"]?.objectValue?["client_token"]?.stringValue)

        // The backup runs while the server keeps writing.
        let backups = try TemporaryDirectory()
        let backupFile = backups.url.appendingPathComponent("custos-backup.db").path
        async let writes: [Int] = {
            var statuses: [Int] = []
            for index in 0..<40 { statuses.append(try await client.write("kv/load/\(index)", ["n": .int(Int64(index))]).status) }
            return statuses
        }()
        let backup = try await CLI.run(["operator", "backup", "-config=\(original.config.path)", backupFile])
        let statuses = try await writes
        #expect(statuses.allSatisfy { $0 == 204 })
        #expect(backup.exitCode == 0, "\(backup.stderr)")
        #expect(backup.stdout.contains("Success! Backed up"))
        let attributes = try FileManager.default.attributesOfItem(atPath: backupFile)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: backups.url.path) == ["custos-backup.db"])
        // The server went on serving during and after the backup.
        #expect(try await client.read("kv/app").status == 200)

        // Restore: a new server's storage path gets the copy, then start and unseal with the same keys.
        let restoredDirectory = try TemporaryDirectory()
        let restoredConfig = try OperationsTestServer.config(in: restoredDirectory)
        try FileManager.default.createDirectory(
            at: restoredDirectory.url.appendingPathComponent("data"), withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
        try FileManager.default.copyItem(atPath: backupFile, toPath: restoredDirectory.url.path + "/data/custos.db")
        let restored = try await ServerProcess.start(config: restoredConfig)
        let anonymous = VaultTestClient(address: restored.address)
        #expect(try await anonymous.request("GET", "sys/seal-status", useToken: false).json?["sealed"] == .bool(true))
        for key in [original.keys[2], original.keys[0]] {
            _ = try await anonymous.request("PUT", "sys/unseal", json: ["key": .string(key)], useToken: false)
        }
        #expect(try await anonymous.request("GET", "sys/seal-status", useToken: false).json?["sealed"] == .bool(false))
        let restoredClient = VaultTestClient(address: restored.address, token: original.rootToken)
        #expect(try await restoredClient.read("kv/app").data?["password"]?.stringValue == "restored-value")
        let lookup = try await VaultTestClient(address: restored.address, token: token).read("auth/token/lookup-self")
        #expect(lookup.status == 200)
        #expect(lookup.data?["policies"]?.testStrings == ["default"])
        await restored.stop()
        await original.server.stop()
    }

    @Test func storagePathFlagAndMistakes() async throws {
        let original = try await OperationsTestServer.start()
        let backups = try TemporaryDirectory()
        let direct = try await CLI.run(["operator", "backup", "-storage-path=\(original.databasePath)", backups.url.path + "/a.db"])
        #expect(direct.exitCode == 0, "\(direct.stderr)")

        let neither = try await CLI.run(["operator", "backup", backups.url.path + "/b.db"])
        #expect(neither.exitCode == 2)
        let missing = try await CLI.run(["operator", "backup", "-storage-path=\(backups.url.path)/none.db", backups.url.path + "/c.db"])
        #expect(missing.exitCode == 1)
        #expect(missing.stderr.contains("no storage file"))
        #expect(!FileManager.default.fileExists(atPath: backups.url.path + "/none.db"))
        let inmem = try backups.file("inmem.hcl", contents: """
            storage "inmem" {}
            listener "tcp" {
              address = "127.0.0.1:0"
              tls_disable = true
            }
            """)
        let notSQLite = try await CLI.run(["operator", "backup", "-config=\(inmem.path)", backups.url.path + "/d.db"])
        #expect(notSQLite.exitCode == 1)
        #expect(notSQLite.stderr.contains("only a SQLite file can be backed up"))
        await original.server.stop()
    }
}
