import ArgumentParser
import CustosCore
import CustosJSON
import Foundation
import HCL
import VaultAPI

struct PolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Write, read, list, delete and format ACL policies.",
        subcommands: [PolicyWriteCommand.self, PolicyReadCommand.self, PolicyListCommand.self, PolicyDeleteCommand.self, PolicyFmtCommand.self]
    )

    /// A policy file's text; `-` reads stdin.
    static func readText(_ source: String) throws -> String {
        if source == "-" { return StandardInput.readAll() }
        do {
            return try KeyValueArguments.readFileContents(source)
        } catch {
            throw CommandFailure.local("Error opening policy file: cannot read \(source)")
        }
    }
}

struct PolicyWriteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "write", abstract: "Upload a policy: NAME FILE (or - for stdin).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The policy name.") var name: String
    @Argument(help: "The policy file, or - for stdin.") var file: String

    func run() async throws {
        let text = try PolicyCommand.readText(file)
        let name = Policy.normalizedName(self.name)
        try await global.withClient { client, output in
            do {
                _ = try await client.writeSecret("sys/policies/acl/\(name)", data: ["policy": .string(text)])
            } catch {
                throw CommandFailure.request("Error uploading policy", error)
            }
            output.success("Success! Uploaded policy: \(name)")
        }
    }
}

struct PolicyReadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "read", abstract: "Print a policy's text.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The policy name.") var name: String

    func run() async throws {
        let name = Policy.normalizedName(self.name)
        try await global.withClient { client, output in
            let secret: SecretResponse?
            do {
                secret = try await client.readSecret("sys/policies/acl/\(name)")
            } catch {
                throw CommandFailure.request("Error reading policy named \(name)", error)
            }
            guard let secret, let text = secret.data?["policy"]?.stringValue else {
                throw CommandFailure(kind: .api, message: "No policy named: \(name)")
            }
            switch output.format {
            case .json: output.json(.object(["name": .string(name), "policy": .string(text)]), keyOrder: ["name", "policy"])
            case .table: output.line(text.trimmingCharacters(in: .newlines))
            }
        }
    }
}

struct PolicyListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the policy names.")
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await global.withClient { client, output in
            let names: [String]
            do {
                names = try await client.list("sys/policies/acl") ?? []
            } catch {
                throw CommandFailure.request("Error listing policies", error)
            }
            switch output.format {
            case .json: output.json(.array(names.map { .string($0) }))
            case .table: for name in names { output.line(name) }
            }
        }
    }
}

struct PolicyDeleteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete a policy.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The policy name.") var name: String

    func run() async throws {
        let name = Policy.normalizedName(self.name)
        try await global.withClient { client, output in
            do {
                try await client.delete("sys/policies/acl/\(name)")
            } catch {
                throw CommandFailure.request("Error deleting \(name)", error)
            }
            output.success("Success! Deleted policy: \(name)")
        }
    }
}

/// Checks a policy file with the server's parser and rewrites it in canonical layout
/// (`PolicyFormatter`). Works offline.
struct PolicyFmtCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "fmt", abstract: "Check and format a policy file in place.")
    @Argument(help: "The policy file.") var file: String

    func run() throws {
        let text = try PolicyCommand.readText(file)
        do {
            _ = try PolicyParser.parse(name: "fmt", text: text)
        } catch let error as HCLError {
            throw CommandFailure(kind: .api, message: "Error parsing policy: \(error.description)")
        } catch let error as PolicyError {
            throw CommandFailure(kind: .api, message: "Error parsing policy: \(PolicyStore.describe(error))")
        }
        let formatted = PolicyFormatter.format(text)
        do {
            try Data(formatted.utf8).write(to: URL(fileURLWithPath: file))
        } catch {
            throw CommandFailure.local("Error writing formatted policy to \(file)")
        }
        print("Success! Formatted policy: \(file)")
    }
}
