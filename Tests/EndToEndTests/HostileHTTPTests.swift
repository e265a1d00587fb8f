import CustosCore
import CustosJSON
import CustosTesting
import Foundation
import Testing

/// A real server process under a few thousand hostile requests from a default-policy token:
/// every answer is a response below 500 and the process stays up and serving.
@Suite("hostile requests over HTTP")
struct HostileHTTPTests {
    static let paths: [(String, String)] = [
        ("POST", "auth/token/renew-self"), ("POST", "auth/token/create"), ("POST", "auth/token/create-orphan"),
        ("GET", "auth/token/lookup-self"), ("POST", "auth/token/lookup"), ("POST", "auth/token/renew"),
        ("POST", "auth/token/revoke-accessor"), ("POST", "sys/leases/renew"), ("PUT", "sys/leases/lookup"),
        ("POST", "sys/mounts/x/tune"), ("POST", "sys/mounts/x"), ("PUT", "sys/policies/acl/x"),
        ("POST", "sys/capabilities-self"), ("POST", "secret/x"), ("LIST", "secret/"), ("GET", "sys/internal/ui/mounts/secret"),
        ("POST", "sys/unseal"), ("PUT", "sys/init"), ("GET", "sys/health"), ("DELETE", "secret/x"),
        ("PATCH", "secret/x"), ("GET", "sys/leases"), ("POST", "sys/renew"), ("GET", "%00"), ("GET", "sys/%zz"),
        ("GET", "../../../etc/passwd"), ("GET", "secret/" + String(repeating: "a/", count: 2_000)),
    ]

    @Test func aDefaultPolicyTokenCannotCrashTheServer() async throws {
        let server = try await ServerProcess.startDev()
        defer { Task { await server.stop() } }
        let root = VaultTestClient(address: server.address, token: server.rootToken)
        let created = try await root.write("auth/token/create", ["policies": ["default"], "ttl": "1h"])
        let token = try #require(created.json?["auth"]?.objectValue?["client_token"]?.stringValue)
        let user = VaultTestClient(address: server.address, token: token)

        // The request that once killed the server, first.
        let fatal = try await user.request("POST", "auth/token/renew-self", rawBody: Data(#"{"increment": 1e300}"#.utf8))
        #expect(fatal.status == 400)
        #expect(fatal.errors.first?.contains("increment") == true, "\(fatal.text)")

        let serverErrors = try await withThrowingTaskGroup(of: [String].self) { group in
            for worker in 0..<8 {
                group.addTask {
                    var generator = HostileBodyGenerator(seed: UInt64(worker) &* 7919)
                    var failures: [String] = []
                    for round in 0..<300 {
                        let (method, path) = Self.paths[(round + worker) % Self.paths.count]
                        let body = generator.body()
                        let response = try await user.request(method, path, rawBody: body)
                        if response.status >= 500 {
                            failures.append("\(method) \(path) \(String(decoding: body.prefix(120), as: UTF8.self)) -> \(response.status) \(response.text.prefix(200))")
                        }
                    }
                    return failures
                }
            }
            var all: [String] = []
            for try await failures in group { all += failures }
            return all
        }
        #expect(serverErrors.isEmpty, "\(serverErrors.prefix(10))")
        #expect(server.isRunning)
        #expect(try await user.read("sys/health").status == 200)
        #expect(try await user.read("auth/token/lookup-self").status == 200)
    }
}
