@testable import CustosServer
import Testing

/// Vault's listener timeouts and Custos's `max_connections` in the config file.
@Suite struct ListenerOptionsTests {
    func listener(_ body: String) throws(ConfigFileParser.ConfigError) -> ServerConfiguration.Listener {
        try ConfigFileParser.parse("storage \"inmem\" {}\nlistener \"tcp\" {\n  tls_disable = true\n\(body)\n}\n", filename: "custos.hcl").listeners[0]
    }

    @Test func defaultsAreVaults() throws {
        let listener = try listener("")
        #expect(listener.timeouts == ConnectionTimeouts(header: .seconds(10), read: .seconds(30), write: nil, idle: .seconds(300)))
        #expect(listener.maxConnections == 4096)
    }

    @Test func durationsInVaultsSyntax() throws {
        let listener = try listener("""
            http_read_header_timeout = "1m30s"
            http_read_timeout = 45
            http_write_timeout = "500ms"
            http_idle_timeout = "1.5h"
            max_connections = 64
            """)
        #expect(listener.timeouts == ConnectionTimeouts(
            header: .seconds(90), read: .seconds(45), write: .milliseconds(500), idle: .seconds(5400)))
        #expect(listener.maxConnections == 64)
        #expect(try self.listener("http_read_header_timeout = \"20\"").readHeaderTimeout == .seconds(20))
    }

    /// Go's fallbacks: header and idle fall back to the read timeout, idle then to the header one.
    @Test func zeroFallsBackAsInGo() throws {
        #expect(try listener("http_read_header_timeout = 0").timeouts.header == .seconds(30))
        #expect(try listener("http_idle_timeout = \"0s\"").timeouts.idle == .seconds(30))
        let noRead = try listener("http_read_timeout = 0\nhttp_idle_timeout = 0")
        #expect(noRead.timeouts == ConnectionTimeouts(header: .seconds(10), read: nil, write: nil, idle: .seconds(10)))
        let none = try listener("http_read_timeout = 0\nhttp_idle_timeout = 0\nhttp_read_header_timeout = 0")
        #expect(none.timeouts == ConnectionTimeouts(header: nil, read: nil, write: nil, idle: nil))
    }

    @Test(arguments: [
        ("http_read_header_timeout = \"soon\"", "custos.hcl:4:28"),
        ("http_read_timeout = \"-5s\"", "custos.hcl:4:21"),
        ("http_idle_timeout = true", "custos.hcl:4:21"),
        ("http_write_timeout = \"10x\"", "custos.hcl:4:22"),
        ("max_connections = 0", "custos.hcl:4:19"),
        ("max_connections = \"many\"", "custos.hcl:4:19"),
    ])
    func badValuesAreRejectedWithPosition(_ line: String, _ position: String) {
        do {
            _ = try listener(line)
            Issue.record("accepted \(line)")
        } catch {
            #expect(error.description.contains(position), "\(error.description)")
        }
    }

    @Test func connectionCapFitsTheOpenFilesLimit() {
        #expect(OpenFileLimit.connectionCap(configured: 4096, limit: 1_048_576, listeners: 2) == 4096)
        #expect(OpenFileLimit.connectionCap(configured: 4096, limit: 1024, listeners: 2) == 448)
        #expect(OpenFileLimit.connectionCap(configured: 64, limit: 256, listeners: 1) == 64)
        #expect(OpenFileLimit.connectionCap(configured: 64, limit: 100, listeners: 1) == 1)
        #expect(OpenFileLimit.connectionCap(configured: 64, limit: nil, listeners: 1) == 64)
    }
}
