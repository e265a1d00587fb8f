import ArgumentParser
import CustosJSON
import Foundation
import NIOHTTP1

struct LoginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login",
        abstract: "Authenticate with a token and store it in ~/.custos-token.",
        discussion: "Without TOKEN (or with -), the token is read from one line of stdin."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The token to log in with.")
    var token: String?

    /// `auth/token/lookup-self`'s data, the part login shows.
    private struct TokenLookup: Decodable, Sendable {
        var accessor: String?
        var policies: [String]?
        var identityPolicies: [String]?
        var meta: [String: String]?
        var ttl: Int?
        var renewable: Bool?
        enum CodingKeys: String, CodingKey {
            case accessor, policies, meta, ttl, renewable
            case identityPolicies = "identity_policies"
        }
    }

    private struct LookupResponse: Decodable, Sendable { var data: TokenLookup }

    func run() async throws {
        guard let token = (token == nil || token == "-") ? StandardInput.readSingleLine() : token,
              !token.isEmpty
        else {
            throw CommandFailure.usage("Error authenticating: no token given (argument or one line on stdin)")
        }
        let store = TokenFile()
        try await global.withClient(token: token) { client, output in
            let lookup: DecodedResponse<LookupResponse>?
            do {
                lookup = try await client.decodeKeepingRaw(LookupResponse.self, .GET, "auth/token/lookup-self")
            } catch let error as APIResponseError where error.statusCode == 404 {
                // Servers without the token store yet: keep the token, say it was not checked.
                lookup = nil
            } catch {
                throw CommandFailure.request("Error authenticating", error)
            }
            try store.save(token)
            warnIfEnvironmentTokenWins()
            guard let lookup else {
                output.success(
                    "Success! Token stored in \(store.path). The server does not serve "
                        + "auth/token/lookup-self, so the token was not verified.")
                return
            }
            show(lookup, output: output)
        }
    }

    private func show(_ lookup: DecodedResponse<LookupResponse>, output: Output) {
        switch output.format {
        case .json:
            // The lookup answer minus the token itself.
            var raw = lookup.raw
            if case .object(var data)? = raw["data"] {
                data["id"] = nil
                raw["data"] = .object(data)
            }
            if let secret = try? JSONDecoder().decode(SecretResponse.self, from: JSONEncoder().encode(raw)) {
                output.secret(secret)
            }
        case .table:
            let data = lookup.value.data
            output.line(TextWrapping.wrap(
                "Success! You are now authenticated. The token information displayed below is already "
                    + "stored in \(TokenFile().path). You do NOT need to run \"custos login\" again. Future "
                    + "requests will automatically use this token."))
            output.line("")
            let auth = AuthBlock(
                clientToken: nil, accessor: data.accessor, policies: data.policies, tokenPolicies: data.policies,
                identityPolicies: data.identityPolicies ?? [], metadata: data.meta, leaseDuration: data.ttl,
                renewable: data.renewable)
            output.line(TableRendering.keyValue(SecretTable.authRows(auth)))
        }
    }

    private func warnIfEnvironmentTokenWins() {
        let environment = ProcessInfo.processInfo.environment
        for name in ["CUSTOS_TOKEN", "VAULT_TOKEN"] where !(environment[name] ?? "").isEmpty {
            Output.error(
                "WARNING! The \(name) environment variable is set! It takes precedence over the "
                    + "token stored by login; unset it to use the stored token.\n")
            return
        }
    }
}
