@testable import CustosCore
import Foundation
import Logging
import Testing
import VaultAPI

/// Every path's auth class comes from the table of the backend its mount routes to: `sys/` and
/// `auth/token/` are mounts like any other, with Vault's unauthenticated, sudo and open paths.
@Suite struct PathAuthClassTests {
    static let core = Core(physical: InMemoryStorage(), settings: CoreSettings(), engineTypes: [], logger: Logger(label: "test"))

    /// The class the core's router answers for a full request path (sealed: built-in mounts only).
    static func auth(_ path: String) -> PathAuthClass? { core.route(path, runtime: nil)?.auth }

    @Test(arguments: ["sys/health", "sys/seal-status", "sys/init", "sys/unseal", "sys/leader"])
    func unauthenticatedPaths(path: String) {
        #expect(Self.auth(path) == .unauthenticated)
        // Only the exact paths: a listing of them goes through the ACL (and 404s).
        #expect(Self.auth(path + "/") == .acl)
    }

    @Test(arguments: [
        "sys/audit", "sys/audit/x", "sys/audit/", "sys/raw", "sys/raw/core/keyring", "sys/rotate", "sys/rotate/config",
        "sys/seal", "sys/remount", "sys/step-down", "sys/auth/", "sys/auth/userpass", "sys/config/cors",
        "sys/config/auditing/request-headers/x", "sys/leases", "sys/leases/count", "sys/leases/lookup/",
        "sys/leases/lookup/db/creds/", "sys/leases/revoke-prefix/db/", "sys/leases/revoke-force/db/",
        "sys/revoke-prefix/db/", "sys/revoke-force/db/", "sys/internal/inspect/router",
        "auth/token/accessors", "auth/token/accessors/", "auth/token/accessors/x",
    ])
    func sudoPaths(path: String) {
        #expect(Self.auth(path) == .sudo)
    }

    @Test(arguments: ["sys/internal/ui/mounts", "sys/internal/ui/mounts/secret", "sys/internal/ui/mounts/a/b"])
    func pathsOpenToEveryToken(path: String) {
        #expect(Self.auth(path) == .openToEveryToken)
    }

    /// Normal ACL paths, among them the bare parents of sudo prefixes (Vault's `leases/lookup/*`
    /// does not cover `leases/lookup`, which the default policy grants).
    @Test(arguments: [
        "sys/mounts", "sys/mounts/secret", "sys/policies/acl/x", "sys/capabilities-self", "sys/renew", "sys/leases/renew",
        "sys/leases/lookup", "sys/leases/revoke-prefix", "sys/revoke-prefix", "sys/leases/", "sys/leases/count/",
        "sys/seal/", "sys/rotate/", "sys/auth", "sys/config/auditing", "sys/audit-hash/x", "sys/internal/ui/mountsx",
        "auth/token/lookup-self", "auth/token/create", "auth/token/revoke-orphan", "auth/token/renew-self",
    ])
    func aclPaths(path: String) {
        #expect(Self.auth(path) == .acl)
    }

    /// A path no table serves is checked by the ACL like any other, then answered 404.
    @Test func unknownPathsAreCheckedByTheACL() {
        #expect(Self.auth("sys/no-such-path") == .acl)
        #expect(Self.auth("auth/token/no-such-path") == .acl)
        #expect(Self.auth("sys") == .acl)
        #expect(Self.core.route("secret/x", runtime: nil) == nil)
        #expect(SystemBackend.paths.route("no-such-path") == nil)
    }

    @Test func builtinBackendsAreMountedByLongestPrefix() {
        #expect(Self.core.route("sys/mounts/kv/tune", runtime: nil)?.mount.path == "sys/")
        #expect(Self.core.route("sys/mounts/kv/tune", runtime: nil)?.relativePath == "mounts/kv/tune")
        #expect(Self.core.route("auth/token", runtime: nil)?.mount.path == "auth/token/")
        #expect(Self.core.route("auth/tokens/x", runtime: nil) == nil)
        #expect(Self.core.route("sysx/y", runtime: nil) == nil)
    }

    @Test func unknownPathsAreRefusedAsBefore() async throws {
        let t = try await TokenTestCore.make()
        let missing = await t.failure(.read, "sys/no-such-path", token: t.root)
        #expect(missing == CustosError(.notFound, #"no handler for route "sys/no-such-path". route entry not found."#))
        let token = try await t.createToken(#"{"policies":["default"]}"#)
        #expect(await t.failure(.read, "sys/no-such-path", token: token.clientToken) == .permissionDenied)
        #expect(await t.failure(.read, "nomount/x", token: token.clientToken) == .permissionDenied)
        let unmounted = await t.failure(.read, "nomount/x", token: t.root)
        #expect(unmounted == CustosError(.notFound, #"no handler for route "nomount/x". route entry not found."#))
    }

    /// A token granted everything but sudo is refused on sudo paths, also on paths Custos does
    /// not serve; with sudo it reaches them (and learns they are not served).
    @Test func sudoIsCheckedBeforeRouting() async throws {
        let t = try await TokenTestCore.make()
        try await t.writePolicy("all", #"path "sys/*" { capabilities = ["read", "update", "list"] }"#)
        try await t.writePolicy("all-sudo", #"path "sys/*" { capabilities = ["read", "update", "list", "sudo"] }"#)
        let plain = try await t.createToken(#"{"policies":["all"]}"#)
        let sudo = try await t.createToken(#"{"policies":["all-sudo"]}"#)
        #expect(await t.failure(.read, "sys/raw/core", token: plain.clientToken) == .permissionDenied)
        #expect(await t.failure(.read, "sys/raw/core", token: sudo.clientToken)?.code == .notFound)
        #expect(await t.failure(.list, "sys/leases/lookup/", token: plain.clientToken) == .permissionDenied)
        // Listing the auth methods needs no sudo; managing one does.
        #expect(await t.failure(.read, "sys/auth", token: plain.clientToken) == nil)
        #expect(await t.failure(.read, "sys/auth/token", token: plain.clientToken) == .permissionDenied)
        #expect(await t.failure(.read, "sys/auth/token", token: sudo.clientToken) == nil)
    }
}
