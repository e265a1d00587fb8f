@testable import CustosCore
import CustosTesting
import Foundation
import SeededRandom
import Testing
import VaultAPI

/// Every path family driven with generated hostile bodies and queries: each request must end in
/// a response or a client error (4xx), never a crash, a trap or an internal error.
@Suite("hostile requests")
struct HostileRequestTests {
    /// (operation, path, needs root): the paths a client reaches, across every backend.
    static let targets: [(LogicalOperation, String, Bool)] = [
        (.update, "auth/token/create", false), (.update, "auth/token/create", true),
        (.update, "auth/token/create-orphan", true), (.update, "auth/token/renew-self", false),
        (.update, "auth/token/renew", true), (.update, "auth/token/renew-accessor", true),
        (.update, "auth/token/lookup", true), (.read, "auth/token/lookup-self", false),
        (.update, "auth/token/lookup-accessor", true), (.update, "auth/token/revoke", true),
        (.update, "auth/token/revoke-orphan", true), (.update, "auth/token/revoke-accessor", true),
        (.list, "auth/token/accessors/", true),
        (.update, "sys/mounts/fuzz", true), (.update, "sys/mounts/secret/tune", true),
        (.update, "sys/policies/acl/fuzz", true), (.update, "sys/policy/fuzz", true),
        (.update, "sys/capabilities", true), (.update, "sys/capabilities-self", false),
        (.update, "sys/capabilities-accessor", true),
        (.update, "sys/leases/renew", false), (.update, "sys/leases/lookup", true),
        (.update, "sys/leases/revoke", true), (.update, "sys/leases/revoke-prefix/secret", true),
        (.update, "sys/leases/tidy", true), (.read, "sys/leases/count", true), (.read, "sys/leases", true),
        (.update, "sys/renew", false), (.update, "secret/fuzz", true), (.read, "secret/fuzz", true),
        (.read, "sys/internal/ui/mounts/secret", false), (.read, "sys/health", false),
        (.update, "sys/unseal", false), (.update, "sys/init", false), (.read, "sys/seal-status", false),
        (.read, "sys/key-status", true), (.read, "sys/mounts", true),
    ]

    @Test func generatedBodiesNeverCrashOrFailInternally() async throws {
        let fixture = try await TokenTestCore.make()
        let user = try await fixture.createToken(#"{"policies": ["default"], "ttl": "1h"}"#).clientToken
        var generator = HostileBodyGenerator(seed: 0xC057_05)
        var clientErrors = 0
        for round in 0..<3_000 {
            let (operation, path, needsRoot) = Self.targets[round % Self.targets.count]
            let body = generator.body()
            let request = LogicalRequest(
                operation: operation, path: path, body: body, clientToken: needsRoot ? fixture.root : user)
            do {
                _ = try await fixture.core.handle(request)
            } catch {
                #expect(error.code != .internal, "\(operation) \(path) with \(String(decoding: body.prefix(200), as: UTF8.self)): \(error)")
                clientErrors += 1
            }
        }
        // The corpus is hostile: most requests must have been refused, and the core still serves.
        #expect(clientErrors > 1_000)
        let health = try await fixture.call(.read, "auth/token/lookup-self", token: user)
        #expect(health.data != nil)
    }

    @Test func generatedQueriesNeverCrashOrFailInternally() async throws {
        let fixture = try await TokenTestCore.make()
        var generator = HostileBodyGenerator(seed: 42)
        for round in 0..<600 {
            let (_, path, _) = Self.targets[round % Self.targets.count]
            var query: [String: String] = [:]
            for _ in 0..<2 {
                query[generator.pick(HostileValues.keys)] = generator.pick(HostileValues.strings + HostileValues.numbers)
            }
            let request = LogicalRequest(operation: .read, path: path, query: query, clientToken: fixture.root)
            do {
                _ = try await fixture.core.handle(request)
            } catch {
                #expect(error.code != .internal, "GET \(path)?\(query): \(error)")
            }
        }
    }

    /// Found by review: `GET secret/x/` answered 500. Paths are input too.
    @Test func hostilePathsNeverFailInternally() async throws {
        let fixture = try await TokenTestCore.make()
        try await fixture.call(.update, "secret/x", #"{"a": 1}"#, token: fixture.root)
        let segments = ["x", "x/", "", "..", ".", "%00", "\u{0}", "ü", "a b", "*", "+", String(repeating: "s", count: 3000), "\u{FFFF}"]
        var generator = HostileBodyGenerator(seed: 5)
        for round in 0..<1_500 {
            let count = Int(generator.random.next() % 4) + 1
            let path = ["secret", "sys", "auth/token", "sys/leases/lookup", "sys/policies/acl", "sys/internal/ui/mounts"][round % 6]
                + "/" + (0..<count).map { _ in generator.pick(segments) }.joined(separator: "/")
            for operation in LogicalOperation.allCases {
                do {
                    _ = try await fixture.core.handle(LogicalRequest(operation: operation, path: path, body: Data("{\"a\": 1}".utf8), clientToken: fixture.root))
                } catch {
                    #expect(error.code != .internal, "\(operation) \(path.prefix(80)): \(error)")
                }
            }
        }
        #expect(await fixture.failure(.read, "secret/x/", token: fixture.root)?.code == .notFound)
    }

    /// The request that took the server down: a huge increment from a default-policy token.
    @Test(arguments: ["1e300", "-1e300", "9223372036854775807", "\"1e300h\"", "\"99999999999999h\"", "1e400", "\"-1h\"", "0.5"])
    func renewSelfWithAnOutOfRangeIncrementIsABadRequest(increment: String) async throws {
        let fixture = try await TokenTestCore.make()
        let user = try await fixture.createToken(#"{"policies": ["default"], "ttl": "1h"}"#).clientToken
        let error = await fixture.failure(.update, "auth/token/renew-self", #"{"increment": \#(increment)}"#, token: user)
        #expect(error?.code == .badRequest)
        #expect(error?.description.contains("increment") == true, "\(String(describing: error))")
    }

    @Test func outOfRangeDurationsAreRefusedEverywhere() async throws {
        let fixture = try await TokenTestCore.make()
        for (path, body) in [
            ("auth/token/create", #"{"ttl": 1e300}"#),
            ("auth/token/create", #"{"explicit_max_ttl": "99999999999999h"}"#),
            ("auth/token/create", #"{"period": 9223372036854775807}"#),
            ("sys/mounts/secret/tune", #"{"max_lease_ttl": 1e300}"#),
            ("sys/mounts/secret/tune", #"{"default_lease_ttl": "-5s"}"#),
            ("sys/mounts/other", #"{"type": "kv", "config": {"max_lease_ttl": 1e19}}"#),
            ("sys/leases/renew", #"{"lease_id": "secret/x", "increment": 1e300}"#),
        ] {
            let error = await fixture.failure(.update, path, body, token: fixture.root)
            #expect(error?.code == .badRequest, "\(path) \(body): \(String(describing: error))")
        }
    }
}
