import ArgumentParser
import CustosJSON
import Foundation
import NIOHTTP1

struct TokenRevokeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "Revoke a token and its children.",
        discussion: """
            -mode=orphan revokes only the token (its children become orphans; needs sudo). \
            -mode=path (or -prefix) takes a path and revokes every token created under it, \
            e.g. auth/token/create (through sys/leases/revoke-prefix; needs sudo).
            """)

    @OptionGroup var global: GlobalOptions

    @Flag(name: .vault("self"), help: "Revoke the current token.")
    var revokeSelf = false
    @Flag(name: .vault("accessor"), help: "Treat the argument as an accessor.")
    var accessor = false
    @Option(name: .vault("mode"), help: "\"orphan\" to keep the children, \"path\" to revoke by creation path.")
    var mode: String?
    @Flag(name: .vault("prefix"), help: "Same as -mode=path.")
    var prefix = false

    @Argument(help: "The token (or accessor) to revoke.")
    var token: String?

    func run() async throws {
        switch mode ?? "" {
        case "", "orphan", "path": break
        default:
            throw CommandFailure.usage("Invalid -mode \"\(mode ?? "")\": use orphan or path")
        }
        if prefix || mode == "path" {
            guard let value = token, !revokeSelf, !accessor, mode != "orphan" else {
                throw CommandFailure.usage("-mode=path (-prefix) takes one path and no -self, -accessor or -mode=orphan")
            }
            let path = CLIPath.sanitized(value)
            try await global.withClient { client, output in
                do {
                    _ = try await client.send(.PUT, "sys/leases/revoke-prefix/\(path)")
                } catch {
                    throw CommandFailure.request("Error revoking tokens with prefix \(path)", error)
                }
                output.success("Success! Revoked token (if it existed)")
            }
            return
        }
        let path: String
        var body: [String: JSONValue] = [:]
        switch (revokeSelf, token) {
        case (true, nil):
            path = "auth/token/revoke-self"
        case (true, _?):
            throw CommandFailure.usage("Too many arguments: -self takes no token")
        case (false, nil):
            throw CommandFailure.usage("Not enough arguments: give a token, an accessor with -accessor, or -self")
        case (false, let value?):
            if mode == "orphan" {
                guard !accessor else { throw CommandFailure.usage("-mode=orphan cannot be used with -accessor") }
                path = "auth/token/revoke-orphan"
            } else if accessor {
                path = "auth/token/revoke-accessor"
            } else {
                path = "auth/token/revoke"
            }
            body[accessor ? "accessor" : "token"] = .string(value)
        }
        try await global.withClient { client, output in
            do {
                _ = try await client.writeSecret(path, data: body)
            } catch {
                throw CommandFailure.request("Error revoking token", error)
            }
            output.success("Success! Revoked token (if it existed)")
        }
    }
}

struct TokenCapabilitiesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capabilities",
        abstract: "Show a token's capabilities on a path (the current token's by default).")

    @OptionGroup var global: GlobalOptions
    @Flag(name: .vault("accessor"), help: "Treat the first argument as an accessor.")
    var accessor = false

    @Argument(help: "[TOKEN] PATH")
    var arguments: [String]

    private struct Answer: Decodable, Sendable {
        struct Data: Decodable, Sendable { var capabilities: [String]? }
        var data: Data?
    }

    func run() async throws {
        let path: String
        var body: [String: JSONValue] = [:]
        switch arguments.count {
        case 1:
            guard !accessor else { throw CommandFailure.usage("Not enough arguments: -accessor needs ACCESSOR PATH") }
            path = "sys/capabilities-self"
            body["paths"] = .array([.string(arguments[0])])
        case 2:
            path = accessor ? "sys/capabilities-accessor" : "sys/capabilities"
            body[accessor ? "accessor" : "token"] = .string(arguments[0])
            body["paths"] = .array([.string(arguments[1])])
        default:
            throw CommandFailure.usage("Expected 1 or 2 arguments: [TOKEN] PATH")
        }
        try await global.withClient { client, output in
            let answer: Answer
            do {
                answer = try await client.decode(Answer.self, .POST, path, body: body)
            } catch {
                throw CommandFailure.request("Error listing capabilities", error)
            }
            let capabilities = answer.data?.capabilities ?? []
            switch output.format {
            case .json: output.json(.array(capabilities.map { .string($0) }))
            case .table: output.line(capabilities.joined(separator: ", "))
            }
        }
    }
}
