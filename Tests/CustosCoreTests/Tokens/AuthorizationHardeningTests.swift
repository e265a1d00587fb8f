@testable import CustosCore
import CustosJSON
import Foundation
import Testing
import VaultAPI

/// Authorization of `sys/` paths that must be as strict as Vault's.
@Suite("authorization hardening")
struct AuthorizationHardeningTests {
    @Test func uiMountsNeedsSomeAccessToTheMount() async throws {
        let fixture = try await TokenTestCore.make()
        try await fixture.call(.update, "sys/mounts/kv1", #"{"type": "kv"}"#, token: fixture.root)
        try await fixture.writePolicy("segment", #"path "kv1/app/+/x" { capabilities = ["read"] }"#)
        try await fixture.writePolicy("denied", """
            path "kv1/*" { capabilities = ["deny"] }
            path "secret/a" { capabilities = ["read"] }
            """)
        let segment = try await fixture.createToken(#"{"policies": ["segment"]}"#).clientToken
        let denied = try await fixture.createToken(#"{"policies": ["denied"]}"#).clientToken

        #expect(try fixture.json(try await fixture.call(.read, "sys/internal/ui/mounts/kv1", token: segment))["type"] == "kv")
        #expect(try await fixture.call(.read, "sys/internal/ui/mounts/secret/a", token: denied).data != nil)
        let preflight = "preflight capability check returned 403, please ensure client's policies grant access to path"
        for (token, path) in [(segment, "secret"), (denied, "kv1"), (denied, "nonexistent"), (fixture.root, "nonexistent")] {
            let error = await fixture.failure(.read, "sys/internal/ui/mounts/\(path)", token: token)
            #expect(error == CustosError(.permissionDenied, "\(preflight) \"\(path)/\""))
        }
    }

    @Test func leaseListingsNeedSudo() async throws {
        let fixture = try await TokenTestCore.make()
        try await fixture.writePolicy("leases", """
            path "sys/leases" { capabilities = ["read", "list"] }
            path "sys/leases/*" { capabilities = ["read", "list", "update"] }
            """)
        try await fixture.writePolicy("leases-sudo", """
            path "sys/leases" { capabilities = ["read", "list", "sudo"] }
            path "sys/leases/*" { capabilities = ["read", "list", "update", "sudo"] }
            """)
        let plain = try await fixture.createToken(#"{"policies": ["leases"], "no_default_policy": true}"#).clientToken
        // Without `default`: its exact rule on sys/leases/lookup would answer the listing first.
        let sudo = try await fixture.createToken(#"{"policies": ["leases-sudo"], "no_default_policy": true}"#).clientToken
        for (operation, path) in [(LogicalOperation.read, "sys/leases"), (.read, "sys/leases/count"), (.list, "sys/leases/lookup/")] {
            #expect(await fixture.failure(operation, path, token: plain) == .permissionDenied, "\(path)")
            let error = await fixture.failure(operation, path, token: sudo)
            #expect(error != .permissionDenied, "\(path)")
        }
    }
}
