import CustosCore
@testable import CustosServer
import Testing

@Suite struct ConfigFileParserTests {
    @Test func vaultShapedConfig() throws {
        let config = try ConfigFileParser.parse("""
            storage "sqlite" {
              path = "/var/lib/custos/custos.db"
            }
            listener "tcp" {
              address       = "0.0.0.0:8200"
              tls_cert_file = "/etc/custos/cert.pem"
              tls_key_file  = "/etc/custos/key.pem"
            }
            listener "tcp" {
              address     = "127.0.0.1:8201"
              tls_disable = 1
              max_request_size = 1048576
            }
            plugin_directory  = "/usr/lib/custos/plugins"
            default_lease_ttl = "1h"
            max_lease_ttl     = 86400
            log_level         = "debug"
            api_addr          = "https://custos.example.com:8200"
            """, filename: "custos.hcl")
        #expect(config.storage == .sqlite(path: "/var/lib/custos/custos.db"))
        #expect(config.listeners.count == 2)
        #expect(config.listeners[0].host == "0.0.0.0")
        #expect(config.listeners[0].tlsDisable == false)
        #expect(config.listeners[1].tlsDisable == true)
        #expect(config.listeners[1].maxRequestSize == 1_048_576)
        #expect(config.pluginDirectory == "/usr/lib/custos/plugins")
        #expect(config.defaultLeaseTTL == 3600)
        #expect(config.maxLeaseTTL == 86400)
        #expect(config.coreSettings.maxLeaseTTL == 86400)
        #expect(config.apiAddr == "https://custos.example.com:8200")
    }

    @Test(arguments: [
        ("storage \"sqlite\" { path = \"x\" }\nlistener \"tcp\" { tls_disable = true }\nbogus = 1\n", "custos.hcl:3:1"),
        ("storage \"sqlite\" { path = \"x\", mode = 1 }\nlistener \"tcp\" { tls_disable = true }\n", "custos.hcl:1:32"),
        ("listener \"tcp\" { tls_disable = true }\n", "storage block is required"),
        ("storage \"inmem\" {}\n", "listener block is required"),
        ("storage \"inmem\" {}\nlistener \"tcp\" { address = \"nope\", tls_disable = true }\n", "custos.hcl:2:28"),
        ("storage \"inmem\" {}\nlistener \"tcp\" { tls_disable = true }\nlog_level = \"loud\"\n", "custos.hcl:3:13"),
        ("storage \"inmem\" {}\nlistener \"tcp\" { tls_disable = true }\ndefault_lease_ttl = \"2h\"\nmax_lease_ttl = \"1h\"\n", "custos.hcl:3:"),
        ("storage \"inmem\" {\n", "custos.hcl:"),
    ])
    func rejectsWithPosition(_ text: String, _ expected: String) {
        do {
            _ = try ConfigFileParser.parse(text, filename: "custos.hcl")
            Issue.record("expected an error for \(text)")
        } catch {
            #expect(error.description.contains(expected), "\(error.description)")
        }
    }

    @Test func addresses() {
        #expect(ServerConfiguration.parseAddress("127.0.0.1:8200")! == ("127.0.0.1", 8200))
        #expect(ServerConfiguration.parseAddress("[::1]:8200")! == ("::1", 8200))
        #expect(ServerConfiguration.parseAddress("localhost") == nil)
        #expect(ServerConfiguration.parseAddress("host:99999") == nil)
    }
}
