import CustosCore
import Foundation
import Testing

@Suite("Root key wrap")
struct RootKeyWrapTests {
    @Test func wrapsAndUnwraps() throws {
        let rootKey = BarrierTests.randomKey()
        let unsealKey = BarrierTests.randomKey()
        let wrapped = try RootKeyWrap.wrap(rootKey: rootKey, unsealKey: unsealKey)
        #expect(wrapped.range(of: Data(rootKey)) == nil)
        #expect(wrapped.count == 1 + 4 + 12 + 32 + 16)
        #expect(try RootKeyWrap.unwrap(wrapped, unsealKey: unsealKey) == rootKey)
    }

    @Test func aWrongUnsealKeyIsInvalid() throws {
        let wrapped = try RootKeyWrap.wrap(rootKey: BarrierTests.randomKey(), unsealKey: BarrierTests.randomKey())
        let error = #expect(throws: BarrierError.self) {
            try RootKeyWrap.unwrap(wrapped, unsealKey: BarrierTests.randomKey())
        }
        #expect(error?.code == .invalidKey)

        let short = #expect(throws: BarrierError.self) { try RootKeyWrap.unwrap(wrapped, unsealKey: [1]) }
        #expect(short?.code == .invalidKey)
    }

    @Test func keysMustBe32Bytes() {
        let error = #expect(throws: BarrierError.self) {
            try RootKeyWrap.wrap(rootKey: [1, 2, 3], unsealKey: BarrierTests.randomKey())
        }
        #expect(error?.code == .invalidKey)
    }

    /// The whole init/unseal chain as the seal code will run it: split the unseal key, wrap the
    /// root key, then rebuild from a threshold of shares and open the barrier.
    @Test func sharesRebuildTheUnsealKeyThatOpensTheBarrier() async throws {
        let physical = InMemoryStorage()
        let unsealKey = BarrierTests.randomKey()
        let rootKey = BarrierTests.randomKey()
        let shares = try Shamir.split(unsealKey, shares: 5, threshold: 3)
        try await physical.put(RootKeyWrap.storageKey, try RootKeyWrap.wrap(rootKey: rootKey, unsealKey: unsealKey))
        let barrier = Barrier(physical: physical)
        try await barrier.initialize(rootKey: rootKey)

        let stored = try #require(try await physical.get(RootKeyWrap.storageKey))

        // Two shares rebuild a wrong key, which fails to unwrap.
        let wrongKey = try Shamir.combine([shares[4], shares[1]])
        let error = #expect(throws: BarrierError.self) { try RootKeyWrap.unwrap(stored, unsealKey: wrongKey) }
        #expect(error?.code == .invalidKey)

        let rebuilt = try Shamir.combine([shares[4], shares[1], shares[2]])
        try await barrier.unseal(rootKey: try RootKeyWrap.unwrap(stored, unsealKey: rebuilt))
        #expect(!barrier.isSealed)
    }
}
