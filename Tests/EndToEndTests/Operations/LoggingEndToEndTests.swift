import CustosCore
import CustosJSON
import CustosTesting
import Foundation
import Testing

/// `log_format = "json"` and what no log line may contain (docs/operations.md, "Logs").
@Suite("server logs")
struct LoggingEndToEndTests {
    /// Drives a server through init, unseal, a KV secret, a child token and a few failures, and
    /// returns what it printed with the secrets it handed out.
    func exercise(_ setup: OperationsTestServer) async throws -> (requestIDs: [String], secrets: [String]) {
        let client = setup.client
        let password = "pw-\(UUID().uuidString.lowercased())"
        var requestIDs: [String] = []
        #expect(try await client.write("sys/mounts/kv", ["type": "kv"]).status == 204)
        #expect(try await client.write("kv/app", ["password": .string(password)]).status == 204)
        let read = try await client.read("kv/app")
        #expect(read.data?["password"]?.stringValue == password)
        if let id = read.json?["request_id"]?.stringValue { requestIDs.append(id) }
        let created = try await client.write("auth/token/create", ["ttl": "1h"])
        let childToken = created.json?["auth"]?.objectValue?["client_token"]?.stringValue ?? ""
        #expect(!childToken.isEmpty)
        if let id = created.json?["request_id"]?.stringValue { requestIDs.append(id) }
        let child = VaultTestClient(address: setup.server.address, token: childToken)
        #expect(try await child.read("auth/token/lookup-self").status == 200)
        // Failures log too: a wrong token, a bad body, an unknown path.
        #expect(try await VaultTestClient(address: setup.server.address, token: "cst.wrong\(password)").read("kv/app").status == 403)
        #expect(try await client.request("POST", "kv/other", rawBody: Data("{\"password\": ".utf8)).status == 400)
        #expect(try await client.read("nowhere/\(password)").status == 404)
        return (requestIDs, setup.keys + [setup.rootToken, password, childToken])
    }

    @Test func jsonLogsAreOneObjectPerLineWithTheRequestID() async throws {
        let setup = try await OperationsTestServer.start(topLevel: "log_format = \"json\"\nlog_level = \"trace\"")
        let (requestIDs, secrets) = try await exercise(setup)
        _ = try await setup.client.request("PUT", "sys/seal")
        await setup.server.stop()

        let lines = setup.server.standardError.split(separator: "\n").map(String.init)
        #expect(!lines.isEmpty)
        var loggedRequestIDs = Set<String>()
        for line in lines {
            guard let object = try? JSONDecoder().decode([String: String].self, from: Data(line.utf8)) else {
                Issue.record("not a JSON object of strings: \(line)")
                continue
            }
            for key in ["@timestamp", "@level", "@message", "@module"] {
                #expect(object[key] != nil, "no \(key) in \(line)")
            }
            #expect(object["@timestamp"]?.hasSuffix("Z") == true)
            #expect(["trace", "debug", "info", "warn", "error"].contains(object["@level"] ?? ""))
            if object["@message"] == "request" {
                #expect(object["request_id"] != nil, "a request line without request_id: \(line)")
                #expect(object["family"] != nil && object["status"] != nil)
            }
            if let id = object["request_id"] { loggedRequestIDs.insert(id) }
        }
        // The id a client got in its response is the one in the log.
        for id in requestIDs { #expect(loggedRequestIDs.contains(id), "request \(id) not in the log") }
        #expect(lines.contains { $0.contains("\"@message\":\"sealed\"") })
        for secret in secrets { #expect(!setup.server.log.contains(secret), "a secret is in the server's output") }
    }

    @Test func noSecretInStandardLogsAtTraceLevel() async throws {
        let setup = try await OperationsTestServer.start(topLevel: "log_level = \"trace\"")
        let (_, secrets) = try await exercise(setup)
        await setup.server.stop()
        #expect(setup.server.standardError.contains("request_id="))
        for secret in secrets { #expect(!setup.server.log.contains(secret), "a secret is in the server's output") }
        // Each unseal key also in base64, the form `operator unseal` accepts too.
        for key in setup.keys {
            let bytes = stride(from: 0, to: key.count, by: 2).compactMap { offset -> UInt8? in
                let start = key.index(key.startIndex, offsetBy: offset)
                return UInt8(key[start..<key.index(start, offsetBy: 2)], radix: 16)
            }
            #expect(!setup.server.log.contains(Data(bytes).base64EncodedString()))
        }
    }

    @Test func badLogSettingsStopTheServer() async throws {
        let directory = try TemporaryDirectory()
        let config = try OperationsTestServer.config(in: directory, topLevel: "log_format = \"xml\"")
        let fromConfig = try await CLI.run(["server", "-config", config.path])
        #expect(fromConfig.exitCode != 0)
        #expect(fromConfig.stderr.contains("unknown log_format \"xml\""))
        let plain = try OperationsTestServer.config(in: directory)
        let fromFlag = try await CLI.run(["server", "-config", plain.path, "-log-format=xml"])
        #expect(fromFlag.exitCode == 2)
        #expect(fromFlag.stderr.contains("unknown log format: xml"))
        let level = try await CLI.run(["server", "-config", plain.path, "-log-level=loud"])
        #expect(level.exitCode == 2)
        #expect(level.stderr.contains("unknown log level: loud"))
    }
}
