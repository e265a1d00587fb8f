@testable import CustosCore
import Foundation
import Testing

@Suite("Barrier")
struct BarrierTests {
    static func randomKey() -> [UInt8] { (0..<32).map { _ in UInt8.random(in: .min ... .max) } }

    /// An initialised, unsealed barrier over in-memory storage.
    private func unsealedBarrier() async throws -> (Barrier, InMemoryStorage, [UInt8]) {
        let physical = InMemoryStorage()
        let barrier = Barrier(physical: physical)
        let rootKey = Self.randomKey()
        try await barrier.initialize(rootKey: rootKey)
        try await barrier.unseal(rootKey: rootKey)
        return (barrier, physical, rootKey)
    }

    @Test func valuesRoundTripAndAreEncryptedPhysically() async throws {
        let (barrier, physical, _) = try await unsealedBarrier()
        let secret = Data("postgres://admin:hunter2@db".utf8)
        try await barrier.put("logical/m/config/db", secret)

        #expect(try await barrier.get("logical/m/config/db") == secret)
        #expect(try await barrier.get("logical/m/missing") == nil)
        let stored = try #require(try await physical.get("logical/m/config/db"))
        #expect(stored.first == 0x01)
        #expect(stored.count == 1 + 4 + 12 + secret.count + 16)
        #expect(stored.range(of: secret) == nil)
        #expect(stored.range(of: Data("hunter2".utf8)) == nil)
    }

    @Test func eachWriteUsesAFreshNonce() async throws {
        let (barrier, physical, _) = try await unsealedBarrier()
        try await barrier.put("k", Data("same".utf8))
        let first = try #require(try await physical.get("k"))
        try await barrier.put("k", Data("same".utf8))
        let second = try #require(try await physical.get("k"))
        #expect(first.dropFirst(5).prefix(12) != second.dropFirst(5).prefix(12))
        #expect(first != second)
    }

    @Test func aValueMovedToAnotherKeyFailsToDecrypt() async throws {
        let (barrier, physical, _) = try await unsealedBarrier()
        try await barrier.put("sys/token/a", Data("value-a".utf8))
        let stored = try #require(try await physical.get("sys/token/a"))
        try await physical.put("sys/token/b", stored)

        let error = await #expect(throws: BarrierError.self) { _ = try await barrier.get("sys/token/b") }
        #expect(error?.code == .decryptionFailed)
        #expect(error?.message.contains("value-a") == false)
    }

    @Test func tamperedCiphertextFailsToDecrypt() async throws {
        let (barrier, physical, _) = try await unsealedBarrier()
        try await barrier.put("k", Data("value".utf8))
        var stored = try #require(try await physical.get("k"))
        stored[stored.startIndex + 20] ^= 0x01
        try await physical.put("k", stored)
        let error = await #expect(throws: BarrierError.self) { _ = try await barrier.get("k") }
        #expect(error?.code == .decryptionFailed)

        try await physical.put("short", Data([1, 0, 0]))
        let short = await #expect(throws: BarrierError.self) { _ = try await barrier.get("short") }
        #expect(short?.code == .decryptionFailed)
    }

    @Test func rotationKeepsOldTermsReadableAndWritesWithTheNewTerm() async throws {
        let (barrier, physical, rootKey) = try await unsealedBarrier()
        try await barrier.put("before", Data("old".utf8))
        let before = try #require(try await physical.get("before"))
        #expect(BarrierEnvelope.term(of: before) == 1)
        #expect(try barrier.keyStatus().term == 1)

        let status = try await barrier.rotate()
        #expect(status.term == 2)
        #expect(status.encryptions == 0)
        #expect(try barrier.keyStatus().term == 2)

        try await barrier.put("after", Data("new".utf8))
        let after = try #require(try await physical.get("after"))
        #expect(Array(after.prefix(5)) == [0x01, 0, 0, 0, 2])
        #expect(try await barrier.get("before") == Data("old".utf8))
        #expect(try await barrier.get("after") == Data("new".utf8))

        // The rotated keyring was persisted: a fresh barrier on the same storage reads both.
        let reopened = Barrier(physical: physical)
        try await reopened.unseal(rootKey: rootKey)
        #expect(try reopened.keyStatus().term == 2)
        #expect(try await reopened.get("before") == Data("old".utf8))
        #expect(try await reopened.get("after") == Data("new".utf8))
    }

    @Test func keyStatusCountsEncryptionsSinceInstall() async throws {
        let (barrier, physical, rootKey) = try await unsealedBarrier()
        let installed = try barrier.keyStatus()
        #expect(installed.encryptions == 0)
        for index in 0..<3 {
            try await barrier.put("k\(index)", Data())
        }
        try await barrier.transaction([.put("t1", Data()), .put("t2", Data()), .delete("k0")])
        let status = try barrier.keyStatus()
        #expect(status.encryptions == 5)
        #expect(status.installTime == installed.installTime)

        // Counts for the old term are persisted with the rotated keyring.
        _ = try await barrier.rotate()
        try await barrier.put("k", Data())
        let sealedKeyring = try #require(try await physical.get("core/keyring"))
        let keyring = try Keyring.open(sealedKeyring, rootKey: try #require(EncryptionKey(bytes: rootKey)))
        #expect(keyring.terms[1]?.persistedEncryptions == 5)
        #expect(try barrier.keyStatus().encryptions == 1)
    }

    @Test func aWrongRootKeyIsRefused() async throws {
        let (_, physical, _) = try await unsealedBarrier()
        let other = Barrier(physical: physical)
        let wrong = await #expect(throws: BarrierError.self) { try await other.unseal(rootKey: Self.randomKey()) }
        #expect(wrong?.code == .invalidKey)
        #expect(other.isSealed)

        let short = await #expect(throws: BarrierError.self) { try await other.unseal(rootKey: [1, 2, 3]) }
        #expect(short?.code == .invalidKey)
    }

    @Test func lifecycleErrors() async throws {
        let physical = InMemoryStorage()
        let barrier = Barrier(physical: physical)
        #expect(try await !barrier.isInitialized())
        let notInitialized = await #expect(throws: BarrierError.self) {
            try await barrier.unseal(rootKey: Self.randomKey())
        }
        #expect(notInitialized?.code == .notInitialized)

        let rootKey = Self.randomKey()
        try await barrier.initialize(rootKey: rootKey)
        #expect(try await barrier.isInitialized())
        #expect(barrier.isSealed)  // initialising doesn't unseal
        let again = await #expect(throws: BarrierError.self) { try await barrier.initialize(rootKey: rootKey) }
        #expect(again?.code == .alreadyInitialized)

        try await barrier.unseal(rootKey: rootKey)
        try await barrier.unseal(rootKey: rootKey)  // idempotent
        #expect(!barrier.isSealed)
    }

    @Test func aSealedBarrierRefusesEverything() async throws {
        let (barrier, _, rootKey) = try await unsealedBarrier()
        try await barrier.put("k", Data("v".utf8))
        barrier.seal()
        #expect(barrier.isSealed)

        func expectSealed(_ body: () async throws -> Void) async {
            let error = await #expect(throws: BarrierError.self) { try await body() }
            #expect(error?.code == .sealed)
        }
        await expectSealed { _ = try await barrier.get("k") }
        await expectSealed { try await barrier.put("k", Data()) }
        await expectSealed { try await barrier.delete("k") }
        await expectSealed { _ = try await barrier.list(prefix: "") }
        await expectSealed { _ = try await barrier.scan(prefix: "") }
        await expectSealed { try await barrier.transaction([.put("x", Data())]) }
        await expectSealed { _ = try await barrier.rotate() }
        await expectSealed { _ = try barrier.keyStatus() }

        try await barrier.unseal(rootKey: rootKey)
        #expect(try await barrier.get("k") == Data("v".utf8))
    }

    @Test func theKeyringIsReservedForTheBarrier() async throws {
        let (barrier, _, _) = try await unsealedBarrier()
        for key in ["core/keyring", "core/root-key"] {
            let error = await #expect(throws: StorageError.self) { try await barrier.put(key, Data()) }
            #expect(error?.code == .invalidKey)
            await #expect(throws: StorageError.self) { _ = try await barrier.get(key) }
            await #expect(throws: StorageError.self) { try await barrier.delete(key) }
            await #expect(throws: StorageError.self) { try await barrier.transaction([.delete(key)]) }
        }
    }

    @Test func theKeyringIsSealedUnderTheRootKey() async throws {
        let (_, physical, rootKey) = try await unsealedBarrier()
        let stored = try #require(try await physical.get("core/keyring"))
        #expect(BarrierEnvelope.term(of: stored) == 0)
        #expect(stored.range(of: Data(rootKey)) == nil)
        #expect(stored.range(of: Data(Data(rootKey).base64EncodedString().utf8)) == nil)
        #expect(stored.range(of: Data("activeTerm".utf8)) == nil)
    }

    @Test func listScanAndTransactionsGoThroughTheBarrier() async throws {
        let (barrier, physical, _) = try await unsealedBarrier()
        try await barrier.transaction([
            .put("logical/m/a", Data("a".utf8)), .put("logical/m/b/c", Data("c".utf8)),
        ])
        #expect(try await barrier.list(prefix: "logical/m/") == ["a", "b/"])
        #expect(try await barrier.scan(prefix: "logical/") == ["m/a", "m/b/c"])
        let stored = try #require(try await physical.get("logical/m/b/c"))
        #expect(BarrierEnvelope.term(of: stored) == 1)
        #expect(try await barrier.get("logical/m/b/c") == Data("c".utf8))
        try await barrier.transaction([.delete("logical/m/a")])
        #expect(try await barrier.list(prefix: "logical/m/") == ["b/"])
    }

    @Test func engineViewsOfTheBarrierAreEncryptedAndRelative() async throws {
        let (barrier, physical, _) = try await unsealedBarrier()
        let view = barrier.view(prefix: "logical/uuid-1/")
        try await view.put("roles/r", Data("role-json".utf8))
        #expect(try await view.get("roles/r") == Data("role-json".utf8))
        #expect(try await view.list(prefix: "roles/") == ["r"])
        let stored = try #require(try await physical.get("logical/uuid-1/roles/r"))
        #expect(stored.range(of: Data("role-json".utf8)) == nil)
    }

    @Test func concurrentReadsAndWritesSurviveARotation() async throws {
        let (barrier, _, _) = try await unsealedBarrier()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<4 {
                group.addTask {
                    for index in 0..<50 {
                        let key = "c/\(writer)/\(index)"
                        try await barrier.put(key, Data(key.utf8))
                        #expect(try await barrier.get(key) == Data(key.utf8))
                    }
                }
            }
            group.addTask {
                for _ in 0..<3 { _ = try await barrier.rotate() }
            }
            try await group.waitForAll()
        }
        #expect(try barrier.keyStatus().term == 4)
        for writer in 0..<4 {
            for index in 0..<50 {
                let key = "c/\(writer)/\(index)"
                #expect(try await barrier.get(key) == Data(key.utf8))
            }
        }
    }
}
