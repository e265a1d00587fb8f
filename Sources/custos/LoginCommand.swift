import ArgumentParser
import CustosJSON
import Foundation
import NIOHTTP1
import VaultAPI

struct LoginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login",
        abstract: "Authenticate with a token and store it in ~/.custos-token.",
        discussion: "Without TOKEN (or with -), the token is read from one line of stdin."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The token to log in with.")
    var token: String?

    /// `auth/token/lookup-self`'s answer; login shows its data.
    private typealias LookupResponse = SecretEnvelope<TokenLookupData, JSONValue>

    func run() async throws {
        guard let token = (token == nil || token == "-") ? StandardInput.readSingleLine() : token,
              !token.isEmpty
        else {
            throw CommandFailure.usage("Error authenticating: no token given (argument or one line on stdin)")
        }
        let store = TokenFile()
        try await global.withClient(token: token) { client, output in
            let lookup: (raw: [String: JSONValue], data: TokenLookupData)?
            do {
                let answer = try await client.decodeKeepingRaw(LookupResponse.self, .GET, "auth/token/lookup-self")
                guard let data = answer.value.data else {
                    throw TransportError(code: .invalidResponse, method: "GET", url: "auth/token/lookup-self", reason: "unexpected shape")
                }
                lookup = (answer.raw, data)
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
            show(raw: lookup.raw, lookup: lookup.data, output: output)
        }
    }

    private func show(raw lookupRaw: [String: JSONValue], lookup: TokenLookupData, output: Output) {
        switch output.format {
        case .json:
            // The lookup answer minus the token itself.
            var raw = lookupRaw
            if case .object(var data)? = raw["data"] {
                data["id"] = nil
                raw["data"] = .object(data)
            }
            if let secret = try? JSONDecoder().decode(SecretResponse.self, from: JSONEncoder().encode(raw)) {
                output.secret(secret)
            }
        case .table:
            output.line(TextWrapping.wrap(
                "Success! You are now authenticated. The token information displayed below is already "
                    + "stored in \(TokenFile().path). You do NOT need to run \"custos login\" again. Future "
                    + "requests will automatically use this token."))
            output.line("")
            let auth = AuthBlock(
                clientToken: "", accessor: lookup.accessor ?? "", policies: lookup.policies, tokenPolicies: lookup.policies,
                identityPolicies: lookup.identityPolicies ?? [], metadata: lookup.meta, leaseDuration: lookup.ttl ?? 0,
                renewable: lookup.renewable ?? false)
            output.line(TableRendering.keyValue(SecretTable.authRows(auth, showingToken: false)))
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
