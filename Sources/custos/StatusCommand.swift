import ArgumentParser
import NIOHTTP1
import VaultAPI

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Print seal and HA status.",
        discussion: "Exit code 0: unsealed; 2: sealed (or an API error); 1: cannot reach the server."
    )

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await global.withClient { client, output in
            var status: DecodedResponse<SealStatus>
            do {
                status = try await client.sealStatus()
            } catch {
                throw CommandFailure.request("Error checking seal status", error)
            }
            if status.value.haEnabled == nil {
                status.value.haEnabled = await client.haEnabled()
            }
            output.sealStatus(status)
            if status.value.sealed {
                throw CommandFailure(kind: .silent(2), message: "")
            }
        }
    }
}

extension APIClient {
    /// `sys/leader`'s HA flag, as `vault status` shows it; nil when the server does not say.
    func haEnabled() async -> Bool? {
        try? await decode(LeaderStatus.self, .GET, "sys/leader").haEnabled
    }
}
