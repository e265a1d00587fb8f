import ArgumentParser
import NIOHTTP1
import VaultAPI

struct OperatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "operator",
        abstract: "Perform operator-specific tasks: init, unseal, seal, backup.",
        subcommands: [OperatorInitCommand.self, OperatorUnsealCommand.self, OperatorSealCommand.self, OperatorBackupCommand.self]
    )
}

struct OperatorUnsealCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unseal",
        abstract: "Provide one unseal key share; prints the seal status.",
        discussion: "Without KEY (or with -), the key is read from one line of stdin."
    )

    @OptionGroup var global: GlobalOptions

    @Flag(name: [.customLong("reset", withSingleDash: true), .customLong("reset")],
          help: "Discard the key shares given so far.")
    var reset = false

    @Argument(help: "One unseal key share.")
    var key: String?

    private struct UnsealRequest: Encodable, Sendable {
        var key: String?
        var reset: Bool?
    }

    func run() async throws {
        let request: UnsealRequest
        if reset {
            request = UnsealRequest(reset: true)
        } else {
            guard let key = (key == nil || key == "-") ? StandardInput.readSingleLine() : key, !key.isEmpty else {
                throw CommandFailure.usage("Error unsealing: no unseal key given (argument or one line on stdin)")
            }
            request = UnsealRequest(key: key)
        }
        try await global.withClient { client, output in
            var status: DecodedResponse<SealStatus>
            do {
                status = try await client.decodeKeepingRaw(SealStatus.self, .PUT, "sys/unseal", body: request)
            } catch {
                throw CommandFailure.request("Error unsealing", error)
            }
            if status.value.haEnabled == nil {
                status.value.haEnabled = await client.haEnabled()
            }
            output.sealStatus(status)
        }
    }
}

struct OperatorSealCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seal",
        abstract: "Seal the server: it forgets its keys until unsealed again."
    )

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await global.withClient { client, output in
            do {
                _ = try await client.send(.PUT, "sys/seal")
            } catch {
                throw CommandFailure.request("Error sealing", error)
            }
            output.success("Success! Custos is sealed.")
        }
    }
}
