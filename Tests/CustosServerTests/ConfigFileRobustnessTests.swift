import CustosTesting
import Foundation
import Testing

@testable import CustosServer

/// Every value of a config file replaced by hostile ones, and the file cut at every length: the
/// parser answers a configuration or a `ConfigError`, never a crash.
@Suite("config file robustness")
struct ConfigFileRobustnessTests {
    static let sample = """
        storage "sqlite" { path = "/var/lib/custos/custos.db" }
        listener "tcp" {
          address = "127.0.0.1:8200"
          tls_disable = 1
          max_request_size = 1048576
        }
        plugin_directory = "/usr/lib/custos/plugins"
        default_lease_ttl = "1h"
        max_lease_ttl = 86400
        log_level = "debug"
        """

    static let slots = [
        #""/var/lib/custos/custos.db""#, #""127.0.0.1:8200""#, "1048576", #""/usr/lib/custos/plugins""#,
        #""1h""#, "86400", #""debug""#, "= 1\n",
    ]

    @Test func hostileValuesInEverySlot() {
        var generator = HostileBodyGenerator(seed: 99)
        var refused = 0
        for round in 0..<2_000 {
            let slot = Self.slots[round % Self.slots.count]
            let replacement = round % 8 == 7 ? "= " + generator.pick(HostileValues.all) + "\n" : generator.pick(HostileValues.all)
            let text = Self.sample.replacingOccurrences(of: slot, with: replacement)
            do {
                _ = try ConfigFileParser.parse(text, filename: "fuzz.hcl")
            } catch {
                refused += 1
            }
        }
        #expect(refused > 500)
    }

    @Test func everyTruncation() {
        let bytes = Array(Self.sample.utf8)
        for length in 0...bytes.count {
            _ = try? ConfigFileParser.parse(String(decoding: bytes.prefix(length), as: UTF8.self), filename: "cut.hcl")
        }
        #expect(throws: ConfigFileParser.ConfigError.self) { try ConfigFileParser.parse("listener \"tcp\" { max_request_size = 1e300 }", filename: "x.hcl") }
    }
}
