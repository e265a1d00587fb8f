import CustosCore
import CustosJSON
import CustosTesting
import Foundation
import Testing

/// `custos server -config FILE`: bad files stop the server with a precise message; TLS works.
@Suite("server config file")
struct ConfigFileTests {
    func startFailure(_ config: String) async throws -> CLI.Result {
        let dir = try TemporaryDirectory()
        let file = try dir.file("bad.hcl", contents: config)
        let result = try await CLI.run(["server", "-config", file.path])
        #expect(result.exitCode != 0)
        #expect(result.stderr.contains("bad.hcl"), "error should name the file: \(result.stderr)")
        return result
    }

    @Test func unknownKeyIsRejectedWithPosition() async throws {
        let result = try await startFailure("""
            storage "sqlite" { path = "/tmp/x.db" }
            listener "tcp" {
              address = "127.0.0.1:0"
              tls_disable = true
              tls_dsable = true
            }
            """)
        #expect(result.stderr.contains("bad.hcl:5:3"), "\(result.stderr)")
        #expect(result.stderr.contains("tls_dsable"))
    }

    @Test func malformedFileIsRejectedWithPosition() async throws {
        let result = try await startFailure("""
            storage "sqlite" {
              path = "/tmp/x.db
            }
            """)
        #expect(result.stderr.contains("bad.hcl:2:"), "\(result.stderr)")
    }

    @Test func unsupportedStorageAndBadValues() async throws {
        let raft = try await startFailure("storage \"raft\" { path = \"/tmp\" }\nlistener \"tcp\" { tls_disable = true }\n")
        #expect(raft.stderr.contains("raft"))
        let badTTL = try await startFailure("storage \"inmem\" {}\nlistener \"tcp\" { tls_disable = true }\nmax_lease_ttl = \"forever\"\n")
        #expect(badTTL.stderr.contains("bad.hcl:3:"), "\(badTTL.stderr)")
        let noTLSFiles = try await startFailure("storage \"inmem\" {}\nlistener \"tcp\" { address = \"127.0.0.1:0\" }\n")
        #expect(noTLSFiles.stderr.contains("tls_cert_file"))
    }

    @Test func jsonConfigWorks() async throws {
        let dir = try TemporaryDirectory()
        let file = try dir.file("custos.json", contents: """
            {"storage": {"inmem": {}}, "listener": [{"tcp": {"address": "127.0.0.1:0", "tls_disable": "true"}}], "max_lease_ttl": "48h"}
            """)
        let server = try await ServerProcess.start(config: file)
        defer { Task { await server.stop() } }
        let status = try await VaultTestClient(address: server.address).request("GET", "sys/seal-status", useToken: false)
        #expect(status.json?["storage_type"] == .string("inmem"))
    }

    @Test func tlsListenerServesHTTPS() async throws {
        let dir = try TemporaryDirectory()
        let cert = dir.url.appendingPathComponent("cert.pem").path
        let key = dir.url.appendingPathComponent("key.pem").path
        let openssl = try await ChildProcess.run(executable: URL(fileURLWithPath: "/usr/bin/env"), arguments: [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1",
        ])
        try #require(openssl.exitCode == 0, "openssl failed: \(openssl.stderr)")
        let file = try dir.file("tls.hcl", contents: """
            storage "inmem" {}
            listener "tcp" {
              address       = "127.0.0.1:0"
              tls_cert_file = "\(cert)"
              tls_key_file  = "\(key)"
            }
            """)
        let server = try await ServerProcess.start(config: file)
        defer { Task { await server.stop() } }
        #expect(server.address.hasPrefix("https://"))
        // A client that trusts the certificate gets the seal status over TLS.
        let python = try await ChildProcess.run(executable: URL(fileURLWithPath: "/usr/bin/env"), arguments: [
            "python3", "-c", """
            import ssl, sys, urllib.request, json
            ctx = ssl.create_default_context(cafile=sys.argv[1])
            body = urllib.request.urlopen(sys.argv[2] + "/v1/sys/seal-status", context=ctx).read()
            print(json.loads(body)["initialized"])
            """, cert, server.address,
        ])
        #expect(python.exitCode == 0, "\(python.stderr)")
        #expect(python.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "False")
    }
}
