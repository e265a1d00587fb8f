import ArgumentParser
import CustosJSON
import NIOHTTP1
import VaultAPI

struct OperatorInitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Initialize a server: generate the root key, split it into unseal key shares."
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: [.customLong("key-shares", withSingleDash: true), .customLong("key-shares")],
            help: "Number of unseal key shares to generate.")
    var keyShares = 5

    @Option(name: [.customLong("key-threshold", withSingleDash: true), .customLong("key-threshold")],
            help: "Number of key shares needed to unseal.")
    var keyThreshold = 3

    @Flag(name: [.customLong("status", withSingleDash: true), .customLong("status")],
          help: "Only report whether the server is initialized (exit 0: yes, 2: no).")
    var status = false

    private struct InitRequest: Encodable, Sendable {
        let secretShares: Int
        let secretThreshold: Int
        enum CodingKeys: String, CodingKey {
            case secretShares = "secret_shares"
            case secretThreshold = "secret_threshold"
        }
    }

    func validate() throws {
        guard keyShares >= 1, keyThreshold >= 1, keyThreshold <= keyShares else {
            throw ValidationError("-key-threshold must be between 1 and -key-shares")
        }
    }

    func run() async throws {
        try await global.withClient { client, output in
            if status {
                try await reportStatus(client, output: output)
                return
            }
            let response: InitResponse
            do {
                response = try await client.decode(
                    InitResponse.self, .PUT, "sys/init",
                    body: InitRequest(secretShares: keyShares, secretThreshold: keyThreshold))
            } catch {
                throw CommandFailure.request("Error initializing", error)
            }
            show(response, with: output)
        }
    }

    private func reportStatus(_ client: APIClient, output: Output) async throws {
        let initialized: Bool
        do {
            initialized = try await client.decode(InitStatus.self, .GET, "sys/init").initialized
        } catch {
            throw CommandFailure.request("Error checking init status", error)
        }
        guard initialized else {
            throw CommandFailure(kind: .silent(2), message: "Custos is not initialized")
        }
        output.line("Custos is initialized")
    }

    private func show(_ response: InitResponse, with output: Output) {
        switch output.format {
        case .json:
            // Field names and order of `vault operator init -format=json`.
            output.line(JSONRendering.pretty(orderedFields: [
                ("unseal_keys_b64", .array(response.keysBase64.map { .string($0) })),
                ("unseal_keys_hex", .array(response.keys.map { .string($0) })),
                ("unseal_shares", .int(Int64(keyShares))),
                ("unseal_threshold", .int(Int64(keyThreshold))),
                ("recovery_keys_b64", .null),
                ("recovery_keys_hex", .null),
                ("recovery_keys_shares", .int(0)),
                ("recovery_keys_threshold", .int(0)),
                ("root_token", .string(response.rootToken)),
            ]))
        case .table:
            for (index, key) in response.keysBase64.enumerated() {
                output.line("Unseal Key \(index + 1): \(key)")
            }
            output.line("\nInitial Root Token: \(response.rootToken)\n")
            output.line(TextWrapping.wrap(
                "Custos initialized with \(keyShares) key shares and a key threshold of \(keyThreshold). "
                    + "Please securely distribute the key shares printed above. When Custos is re-sealed, "
                    + "restarted, or stopped, you must supply at least \(keyThreshold) of these keys to "
                    + "unseal it before it can start servicing requests."))
            output.line("")
            output.line(TextWrapping.wrap(
                "Custos does not store the generated root key. Without at least \(keyThreshold) keys to "
                    + "reconstruct the root key, Custos will remain permanently sealed!"))
        }
    }
}
