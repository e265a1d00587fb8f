@testable import CustosCore
import Foundation
import Synchronization
import Testing

/// The barrier's read cache never answers with a value older than the last write, and holds no
/// plaintext after seal.
@Suite("barrier read cache")
struct BarrierReadCacheTests {
    @Test func aReadThatRacedAWriteIsNotInstalled() {
        let cache = BarrierReadCache()
        guard case .miss(let readAt) = cache.lookup("k") else { Issue.record("empty cache hit"); return }
        cache.invalidate(["k"])  // a write lands while the read was at storage
        cache.insert("k", Data("old".utf8), readAt: readAt)
        guard case .miss = cache.lookup("k") else { Issue.record("a stale read was cached"); return }
        #expect(cache.count == 0)
    }

    @Test func aWriteToAnotherKeyAlsoBlocksTheInsert() {
        let cache = BarrierReadCache()
        guard case .miss(let readAt) = cache.lookup("k") else { return }
        cache.invalidate(["other"])
        cache.insert("k", Data("v".utf8), readAt: readAt)
        #expect(cache.count == 0)
    }

    @Test func hitsAreCopiesOfTheInsertedValue() {
        let cache = BarrierReadCache()
        guard case .miss(let readAt) = cache.lookup("k") else { return }
        cache.insert("k", Data("v1".utf8), readAt: readAt)
        guard case .hit(let value) = cache.lookup("k") else { Issue.record("no hit"); return }
        #expect(value == Data("v1".utf8))
        cache.invalidate(["k"])
        guard case .miss = cache.lookup("k") else { Issue.record("invalidated key still cached"); return }
    }

    @Test func boundedByEntriesAndBytesOldestFirst() {
        let cache = BarrierReadCache(limits: .init(maxEntries: 10, maxBytes: 1000, maxValueBytes: 200))
        for index in 0..<50 {
            guard case .miss(let readAt) = cache.lookup("k\(index)") else { continue }
            cache.insert("k\(index)", Data(repeating: 1, count: 10), readAt: readAt)
        }
        #expect(cache.count == 10)
        guard case .hit = cache.lookup("k49") else { Issue.record("newest entry evicted"); return }
        guard case .miss = cache.lookup("k0") else { Issue.record("oldest entry kept"); return }
        for index in 0..<20 {
            guard case .miss(let readAt) = cache.lookup("big\(index)") else { continue }
            cache.insert("big\(index)", Data(repeating: 2, count: 150), readAt: readAt)
        }
        #expect(cache.count <= 6)  // 6 × 150 bytes fit in 1000
        guard case .miss(let readAt) = cache.lookup("huge") else { return }
        cache.insert("huge", Data(repeating: 3, count: 201), readAt: readAt)
        guard case .miss = cache.lookup("huge") else { Issue.record("a value over the size limit was cached"); return }
    }

    @Test func sealEmptiesTheCacheAndRefusesReadsInFlight() async throws {
        let storage = InMemoryStorage()
        let barrier = Barrier(physical: storage)
        let rootKey = [UInt8](repeating: 7, count: 32)
        try await barrier.initialize(rootKey: rootKey)
        try await barrier.unseal(rootKey: rootKey)
        try await barrier.put("a", Data("secret".utf8))
        #expect(try await barrier.get("a") == Data("secret".utf8))
        #expect(barrier.readCache.count == 1)
        guard case .miss(let readAt) = barrier.readCache.lookup("b") else { return }
        barrier.seal()
        #expect(barrier.readCache.count == 0)
        barrier.readCache.insert("b", Data("late".utf8), readAt: readAt)
        #expect(barrier.readCache.count == 0)
        await #expect(throws: BarrierError.self) { try await barrier.get("a") }
    }

    @Test func writesThroughTheBarrierAreSeenByTheNextRead() async throws {
        let storage = InMemoryStorage()
        let barrier = Barrier(physical: storage)
        let rootKey = [UInt8](repeating: 9, count: 32)
        try await barrier.initialize(rootKey: rootKey)
        try await barrier.unseal(rootKey: rootKey)
        try await barrier.put("k", Data("1".utf8))
        #expect(try await barrier.get("k") == Data("1".utf8))
        try await barrier.put("k", Data("2".utf8))
        #expect(try await barrier.get("k") == Data("2".utf8))
        try await barrier.transaction([.put("k", Data("3".utf8)), .put("j", Data("x".utf8))])
        #expect(try await barrier.get("k") == Data("3".utf8))
        try await barrier.transaction([.delete("k")])
        #expect(try await barrier.get("k") == nil)
        try await barrier.put("k", Data("4".utf8))
        _ = try await barrier.get("k")
        try await barrier.delete("k")
        #expect(try await barrier.get("k") == nil)
    }

    /// Readers hammer one key while a writer moves it through versions: once a write returns,
    /// no read that starts after it sees an older version.
    @Test func concurrentReadersNeverSeeAnOlderVersionAfterAWrite() async throws {
        let storage = InMemoryStorage()
        let barrier = Barrier(physical: storage)
        let rootKey = [UInt8](repeating: 5, count: 32)
        try await barrier.initialize(rootKey: rootKey)
        try await barrier.unseal(rootKey: rootKey)
        try await barrier.put("k", Data("0".utf8))
        let written = VersionBox()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    while written.value < 300 {
                        let floor = written.value
                        let read = try await barrier.get("k").flatMap { Int(String(decoding: $0, as: UTF8.self)) } ?? -1
                        #expect(read >= floor, "read version \(read) after version \(floor) was written")
                        await Task.yield()  // a cache hit never suspends; let the writer run
                    }
                }
            }
            group.addTask {
                for version in 1...300 {
                    try await barrier.put("k", Data("\(version)".utf8))
                    written.value = version
                }
            }
            try await group.waitForAll()
        }
    }
}

private final class VersionBox: Sendable {
    private let stored = Mutex(0)
    var value: Int {
        get { stored.withLock { $0 } }
        set { stored.withLock { $0 = newValue } }
    }
}
