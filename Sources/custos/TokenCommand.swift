import ArgumentParser
import CustosJSON
import Foundation

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Create, look up, renew, revoke tokens and show their capabilities.",
        subcommands: [
            TokenCreateCommand.self, TokenLookupCommand.self, TokenRenewCommand.self,
            TokenRevokeCommand.self, TokenCapabilitiesCommand.self,
        ]
    )
}

/// Vault spells flags with one dash (`-policy=x`); both forms parse.
extension NameSpecification {
    static func vault(_ name: String) -> NameSpecification {
        [.customLong(name, withSingleDash: true), .customLong(name)]
    }
}

/// Prints a token response (an `auth` block or lookup data) as Vault's CLI does.
func printTokenResponse(_ secret: SecretResponse, output: Output, field: String?) throws {
    if let field {
        try output.field(field, of: secret)
    } else {
        output.secret(secret)
    }
}

struct TokenCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create", abstract: "Create a new token.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var fieldOption: FieldOption

    @Option(name: .vault("policy"), help: "A policy for the token (repeatable).")
    var policies: [String] = []
    @Option(name: .vault("metadata"), help: "K=V metadata (repeatable).")
    var metadata: [String] = []
    @Option(name: .vault("ttl"), help: "Initial TTL, e.g. 1h.")
    var ttl: String?
    @Option(name: .vault("explicit-max-ttl"), help: "Hard maximum lifetime.")
    var explicitMaxTTL: String?
    @Option(name: .vault("period"), help: "Renewal period of a periodic token.")
    var period: String?
    @Option(name: .vault("display-name"), help: "Name shown in lookups and generated usernames.")
    var displayName: String?
    @Option(name: .vault("use-limit"), help: "Number of uses, 0 for unlimited.")
    var useLimit: Int?
    @Option(name: .vault("renewable"), help: "Whether the token can be renewed (default true).")
    var renewable: Bool?
    @Flag(name: .vault("orphan"), help: "Create a token without a parent.")
    var orphan = false
    @Flag(name: .vault("no-default-policy"), help: "Do not attach the default policy.")
    var noDefaultPolicy = false

    func run() async throws {
        var body: [String: JSONValue] = [:]
        if !policies.isEmpty {
            body["policies"] = .array(policies.flatMap { $0.split(separator: ",") }.map { .string(String($0)) })
        }
        if !metadata.isEmpty {
            var meta: [String: JSONValue] = [:]
            for pair in metadata {
                guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                    throw CommandFailure.usage("Invalid metadata \"\(pair)\": format must be key=value")
                }
                meta[String(pair[..<equals])] = .string(String(pair[pair.index(after: equals)...]))
            }
            body["meta"] = .object(meta)
        }
        if let ttl { body["ttl"] = .string(ttl) }
        if let explicitMaxTTL { body["explicit_max_ttl"] = .string(explicitMaxTTL) }
        if let period { body["period"] = .string(period) }
        if let displayName { body["display_name"] = .string(displayName) }
        if let useLimit { body["num_uses"] = .int(Int64(useLimit)) }
        if let renewable { body["renewable"] = .bool(renewable) }
        if noDefaultPolicy { body["no_default_policy"] = .bool(true) }
        let path = orphan ? "auth/token/create-orphan" : "auth/token/create"
        try await global.withClient { client, output in
            let secret: SecretResponse?
            do {
                secret = try await client.writeSecret(path, data: body)
            } catch {
                throw CommandFailure.request("Error creating token", error)
            }
            guard let secret else { throw CommandFailure(kind: .api, message: "Error creating token: empty response") }
            try printTokenResponse(secret, output: output, field: fieldOption.field)
        }
    }
}

struct TokenLookupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lookup", abstract: "Display information about a token (the current one by default).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var fieldOption: FieldOption

    @Flag(name: .vault("accessor"), help: "Treat the argument as an accessor.")
    var accessor = false

    @Argument(help: "The token (or accessor) to look up.")
    var token: String?

    func run() async throws {
        if accessor && token == nil { throw CommandFailure.usage("Not enough arguments: -accessor needs an accessor") }
        try await global.withClient { client, output in
            let secret: SecretResponse?
            do {
                switch (token, accessor) {
                case (nil, _): secret = try await client.readSecret("auth/token/lookup-self")
                case (let value?, true): secret = try await client.writeSecret("auth/token/lookup-accessor", data: ["accessor": .string(value)])
                case (let value?, false): secret = try await client.writeSecret("auth/token/lookup", data: ["token": .string(value)])
                }
            } catch {
                throw CommandFailure.request("Error looking up token", error)
            }
            guard let secret else { throw CommandFailure(kind: .api, message: "Error looking up token: token not found") }
            try printTokenResponse(secret, output: output, field: fieldOption.field)
        }
    }
}

struct TokenRenewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "renew", abstract: "Renew a token (the current one by default).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var fieldOption: FieldOption

    @Option(name: [.customLong("increment", withSingleDash: true), .customLong("increment"), .customLong("i", withSingleDash: true)],
            help: "Requested extension, e.g. 1h.")
    var increment: String?

    @Argument(help: "The token to renew.")
    var token: String?

    func run() async throws {
        var body: [String: JSONValue] = [:]
        if let increment { body["increment"] = .string(increment) }
        if let token { body["token"] = .string(token) }
        let path = token == nil ? "auth/token/renew-self" : "auth/token/renew"
        try await global.withClient { client, output in
            let secret: SecretResponse?
            do {
                secret = try await client.writeSecret(path, data: body)
            } catch {
                throw CommandFailure.request("Error renewing token", error)
            }
            guard let secret else { throw CommandFailure(kind: .api, message: "Error renewing token: empty response") }
            try printTokenResponse(secret, output: output, field: fieldOption.field)
        }
    }
}
