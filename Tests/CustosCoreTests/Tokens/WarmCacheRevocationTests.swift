@testable import CustosCore
import Foundation
import Synchronization
import Testing
import VaultAPI

/// With the barrier's read cache warm and other requests in flight on the same token, a
/// revocation, a policy deletion and a seal each take effect on the very next request.
@Suite("warm cache: revocation, policy deletion and seal take effect at once")
struct WarmCacheRevocationTests {
    /// Reads `secret/a` with `token` in a loop on several tasks until stopped; requests that
    /// start after `cutoff` is set must all fail.
    private final class Switches: Sendable {
        let cutoff = Atomic(false)
        let stop = Atomic(false)
        func cut() { cutoff.store(true, ordering: .sequentiallyConsistent) }
        func halt() { stop.store(true, ordering: .sequentiallyConsistent) }
    }

    private static func hammer(_ harness: TokenTestCore, token: String, switches: Switches, tasks: Int = 6) async -> Int {
        await withTaskGroup(of: Int.self) { group in
            for _ in 0..<tasks {
                group.addTask {
                    var servedAfterCutoff = 0
                    var rounds = 0
                    // Bounded, so that a failing expectation elsewhere cannot leave it spinning.
                    while !switches.stop.load(ordering: .sequentiallyConsistent), rounds < 100_000 {
                        rounds += 1
                        let startedAfterCutoff = switches.cutoff.load(ordering: .sequentiallyConsistent)
                        let failure = await harness.failure(.read, "secret/a", token: token)
                        if startedAfterCutoff, failure == nil { servedAfterCutoff += 1 }
                        // A fully cached request never suspends; let the test's own task run.
                        await Task.yield()
                    }
                    return servedAfterCutoff
                }
            }
            return await group.reduce(0, +)
        }
    }

    private static func prepare() async throws -> (TokenTestCore, String) {
        let harness = try await TokenTestCore.make()
        try await harness.writePolicy("reader", #"path "secret/*" { capabilities = ["read"] }"#)
        try await harness.call(.update, "secret/a", #"{"v":"1"}"#, token: harness.root)
        let token = try await harness.createToken(#"{"policies":["reader"]}"#).clientToken
        for _ in 0..<5 { try await harness.call(.read, "secret/a", token: token) }  // warm
        #expect(harness.core.barrier.readCache.count > 0)
        return (harness, token)
    }

    /// Warms the cache, starts the hammer, applies `change` and checks that the next request and
    /// every request started after the change are refused with `code`.
    private static func expectImmediateEffect(
        of change: (TokenTestCore, String) async throws -> Void, refusal code: CustosError.Code
    ) async throws -> TokenTestCore {
        let (harness, token) = try await prepare()
        let switches = Switches()
        async let served = hammer(harness, token: token, switches: switches)
        try await change(harness, token)
        switches.cut()
        let next = await harness.failure(.read, "secret/a", token: token)
        #expect(next?.code == code)
        // Let the hammer run a little past the change before stopping it.
        for _ in 0..<20 { _ = await harness.failure(.read, "secret/a", token: token) }
        switches.halt()
        #expect(await served == 0)
        return harness
    }

    @Test func aRevokedTokenIsRefusedOnTheNextRequest() async throws {
        _ = try await Self.expectImmediateEffect(of: { harness, token in
            try await harness.call(.update, "auth/token/revoke", #"{"token":"\#(token)"}"#, token: harness.root)
        }, refusal: .permissionDenied)
    }

    @Test func aDeletedPolicyIsGoneOnTheNextRequest() async throws {
        _ = try await Self.expectImmediateEffect(of: { harness, _ in
            try await harness.call(.delete, "sys/policies/acl/reader", token: harness.root)
        }, refusal: .permissionDenied)
    }

    @Test func aSealedServerAnswersNothingOnTheNextRequest() async throws {
        let harness = try await Self.expectImmediateEffect(of: { harness, _ in
            try await harness.call(.update, "sys/seal", token: harness.root)
            #expect(harness.core.barrier.readCache.count == 0)
        }, refusal: .sealed)
        #expect(harness.core.barrier.readCache.count == 0)
    }
}
