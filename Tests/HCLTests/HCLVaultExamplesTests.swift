import Testing
@testable import HCL

/// Vault's documented config and policy examples, in HCL and in JSON.
@Suite("Vault config and policy examples")
struct HCLVaultExamplesTests {
    static let serverConfigHCL = """
        # Full server configuration, Vault's shape.
        ui            = true
        cluster_addr  = "https://127.0.0.1:8201"
        api_addr      = "https://127.0.0.1:8200"
        disable_mlock = true
        cluster_name  = "custos-dev"
        log_level     = "info"
        default_lease_ttl = "768h"
        max_lease_ttl     = 2764800
        plugin_directory  = "/usr/local/libexec/custos/plugins"

        storage "sqlite" {
          path = "/var/lib/custos/custos.db"
        }

        listener "tcp" {
          address       = "127.0.0.1:8200"
          tls_cert_file = "/path/to/full-chain.pem"
          tls_key_file  = "/path/to/private-key.pem"
        }

        listener "tcp" {
          address     = "0.0.0.0:8300"
          tls_disable = "true"
        }

        telemetry {
          statsite_address = "127.0.0.1:8125"
          disable_hostname = true
        }
        """

    static let serverConfigJSON = """
        {
          "ui": true,
          "cluster_addr": "https://127.0.0.1:8201",
          "api_addr": "https://127.0.0.1:8200",
          "disable_mlock": true,
          "cluster_name": "custos-dev",
          "log_level": "info",
          "default_lease_ttl": "768h",
          "max_lease_ttl": 2764800,
          "plugin_directory": "/usr/local/libexec/custos/plugins",
          "storage": {
            "sqlite": { "path": "/var/lib/custos/custos.db" }
          },
          "listener": [
            { "tcp": {
                "address": "127.0.0.1:8200",
                "tls_cert_file": "/path/to/full-chain.pem",
                "tls_key_file": "/path/to/private-key.pem"
            } },
            { "tcp": { "address": "0.0.0.0:8300", "tls_disable": "true" } }
          ],
          "telemetry": {
            "statsite_address": "127.0.0.1:8125",
            "disable_hostname": true
          }
        }
        """

    static let policyHCL = #"""
        # Dev servers have version 2 of KV secrets engine mounted by default, so will
        # need these paths to grant permissions:
        path "secret/data/*" {
          capabilities = ["create", "update"]
        }

        path "secret/data/foo" {
          capabilities = ["read"]
        }

        // Permit reading the "teamb" path under any top-level path under secret/
        path "secret/+/teamb" {
          capabilities = ["read"]
        }

        /* Permit reading everything prefixed with "zip-". */
        path "secret/zip-*" {
          capabilities = ["read"]
        }

        path "secret/foo" {
          capabilities = ["create"]
          allowed_parameters = {
            "foo" = ["bar", "baz*"]
            "*"   = []
          }
          denied_parameters = {
            "bar" = []
          }
          required_parameters = ["bar", "baz"]
          min_wrapping_ttl = "1s"
          max_wrapping_ttl = "90s"
        }

        path "sys/mounts/*" {
          capabilities = ["create", "read", "update", "delete", "list", "sudo"]
        }

        path "secret/super-secret" {
          capabilities = ["deny"]
        }
        """#

    static let policyJSON = #"""
        {
          "path": {
            "secret/data/*": { "capabilities": ["create", "update"] },
            "secret/data/foo": { "capabilities": ["read"] },
            "secret/+/teamb": { "capabilities": ["read"] },
            "secret/zip-*": { "capabilities": ["read"] },
            "secret/foo": {
              "capabilities": ["create"],
              "allowed_parameters": { "foo": ["bar", "baz*"], "*": [] },
              "denied_parameters": { "bar": [] },
              "required_parameters": ["bar", "baz"],
              "min_wrapping_ttl": "1s",
              "max_wrapping_ttl": "90s"
            },
            "sys/mounts/*": { "capabilities": ["create", "read", "update", "delete", "list", "sudo"] },
            "secret/super-secret": { "capabilities": ["deny"] }
          }
        }
        """#

    @Test func serverConfigDecodes() throws {
        let config = try HCLDocument.parse(Self.serverConfigHCL, filename: "custos.hcl")
        try config.checkKeys(allowed: [
            "ui", "cluster_addr", "api_addr", "disable_mlock", "cluster_name", "log_level",
            "default_lease_ttl", "max_lease_ttl", "plugin_directory", "storage", "listener", "telemetry",
        ])
        #expect(try config.attribute("ui")?.bool() == true)
        #expect(try config.attribute("api_addr")?.string() == "https://127.0.0.1:8200")
        #expect(try config.attribute("max_lease_ttl")?.int() == 2_764_800)
        #expect(try config.attribute("default_lease_ttl")?.string() == "768h")
        #expect(config.attribute("seal") == nil)

        let storage = try config.blocks(named: "storage", labels: 1)
        #expect(storage.map(\.labels) == [["sqlite"]])
        #expect(try storage.first?.body.attribute("path")?.string() == "/var/lib/custos/custos.db")

        let listeners = try config.blocks(named: "listener", labels: 1)
        #expect(listeners.map(\.labels) == [["tcp"], ["tcp"]])
        #expect(try listeners.map { try $0.body.attribute("address")?.string() } == ["127.0.0.1:8200", "0.0.0.0:8300"])
        #expect(try listeners[0].body.attribute("tls_disable")?.bool() == nil)
        #expect(try listeners[1].body.attribute("tls_disable")?.bool() == true)
        #expect(listeners[1].position == HCLPosition(filename: "custos.hcl", line: 22, column: 1))

        let telemetry = try config.blocks(named: "telemetry", labels: 0)
        #expect(telemetry.count == 1)
        #expect(try telemetry.first?.body.attribute("disable_hostname")?.bool() == true)
    }

    @Test func serverConfigJSONFormEqualsHCLForm() throws {
        let hcl = try HCLDocument.parse(Self.serverConfigHCL)
        let json = try HCLDocument.parse(Self.serverConfigJSON)
        let attributes = ["ui", "cluster_addr", "api_addr", "disable_mlock", "cluster_name", "log_level",
                          "default_lease_ttl", "max_lease_ttl", "plugin_directory"]
        for name in attributes {
            let fromHCL = try #require(hcl.attribute(name))
            let fromJSON = try #require(json.attribute(name))
            #expect(fromHCL.value == fromJSON.value, "attribute \(name)")
        }
        for (name, labels) in [("storage", 1), ("listener", 1), ("telemetry", 0)] {
            let fromHCL = try hcl.blocks(named: name, labels: labels)
            let fromJSON = try json.blocks(named: name, labels: labels)
            #expect(fromHCL.map(\.labels) == fromJSON.map(\.labels), "block \(name)")
            #expect(fromHCL.map { withoutPositions($0.body) } == fromJSON.map { withoutPositions($0.body) }, "block \(name)")
            #expect(!fromHCL.isEmpty)
        }
    }

    @Test func policyDecodes() throws {
        let policy = try HCLDocument.parse(Self.policyHCL, filename: "policy.hcl")
        try policy.checkKeys(allowed: ["path"])
        let paths = try policy.blocks(named: "path", labels: 1)
        #expect(paths.map { $0.labels[0] } == [
            "secret/data/*", "secret/data/foo", "secret/+/teamb", "secret/zip-*", "secret/foo",
            "sys/mounts/*", "secret/super-secret",
        ])
        #expect(try paths[2].body.attribute("capabilities")?.stringList() == ["read"])
        #expect(try paths[5].body.attribute("capabilities")?.stringList().count == 6)

        let foo = paths[4].body
        let allowed = try #require(try foo.attribute("allowed_parameters")?.object())
        #expect(allowed.items.map(\.keys) == [["foo"], ["*"]])
        #expect(try allowed.attribute("foo")?.stringList() == ["bar", "baz*"])
        #expect(try allowed.attribute("*")?.stringList() == [])
        #expect(try foo.attribute("required_parameters")?.stringList() == ["bar", "baz"])
        #expect(try foo.attribute("max_wrapping_ttl")?.string() == "90s")
        #expect(paths[4].position == HCLPosition(filename: "policy.hcl", line: 21, column: 1))
    }

    @Test func policyJSONFormEqualsHCLForm() throws {
        let hcl = try HCLDocument.parse(Self.policyHCL).blocks(named: "path", labels: 1)
        let json = try HCLDocument.parse(Self.policyJSON).blocks(named: "path", labels: 1)
        #expect(hcl.count == 7)
        #expect(hcl.map(\.labels) == json.map(\.labels))
        #expect(hcl.map { withoutPositions($0.body) } == json.map { withoutPositions($0.body) })
    }

    @Test func simpleJSONDocumentEqualsHCLTree() throws {
        let hcl = try HCLDocument.parseHCL(#"a = 1, b = "x", c = [1.5, true, { d = -2 }], e = { f = "g" }"#)
        let json = try HCLDocument.parseJSON(#"{"a": 1, "b": "x", "c": [1.5, true, {"d": -2}], "e": {"f": "g"}}"#)
        #expect(withoutPositions(hcl) == withoutPositions(json))
    }
}
