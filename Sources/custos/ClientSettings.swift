import Foundation

/// Where and how to reach the server, resolved from flags, then the environment, then defaults.
/// `CUSTOS_*` variables win over their `VAULT_*` twins so both CLIs can share a shell.
struct ClientSettings: Sendable {
    static let defaultAddress = "http://127.0.0.1:8200"

    var address: String
    var token: String?
    var caCertificatePath: String?
    var skipVerify: Bool

    static func resolve(
        addressFlag: String?,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        tokenStore: TokenFile = TokenFile()
    ) throws -> ClientSettings {
        func env(_ name: String) -> String? {
            for prefix in ["CUSTOS_", "VAULT_"] {
                if let value = environment[prefix + name], !value.isEmpty { return value }
            }
            return nil
        }
        let address = addressFlag ?? env("ADDR") ?? defaultAddress
        let token = try env("TOKEN") ?? tokenStore.load()
        let skipVerify = env("SKIP_VERIFY").map(parseBool) ?? false
        return ClientSettings(address: address, token: token, caCertificatePath: env("CACERT"), skipVerify: skipVerify)
    }

    /// Go's `strconv.ParseBool`, which Vault uses for `VAULT_SKIP_VERIFY`.
    private static func parseBool(_ text: String) -> Bool {
        ["1", "t", "T", "true", "TRUE", "True"].contains(text)
    }
}
