import ArgumentParser
import CustosJSON
import Foundation
import NIOHTTP1

/// `custos lease lookup|renew|revoke`, as Vault's `vault lease`.
struct LeaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lease",
        abstract: "Look up, renew and revoke leases.",
        subcommands: [LeaseLookupCommand.self, LeaseRenewCommand.self, LeaseRevokeCommand.self]
    )
}

struct LeaseLookupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "lookup", abstract: "Show a lease's issue time, expiry and TTL.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var fieldOption: FieldOption

    @Argument(help: "The lease id.")
    var leaseID: String

    func run() async throws {
        try await global.withClient { client, output in
            let secret: SecretResponse?
            do {
                secret = try await client.writeSecret("sys/leases/lookup", data: ["lease_id": .string(leaseID)])
            } catch {
                throw CommandFailure.request("Error looking up lease", error)
            }
            guard let secret else { throw CommandFailure(kind: .api, message: "Error looking up lease: lease not found") }
            if let field = fieldOption.field { try output.field(field, of: secret) } else { output.secret(secret) }
        }
    }
}

struct LeaseRenewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "renew", abstract: "Extend a lease (capped by its max TTLs).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var fieldOption: FieldOption

    @Option(name: [.customLong("increment", withSingleDash: true), .customLong("increment"), .customLong("i", withSingleDash: true)],
            help: "Requested extension from now, e.g. 1h (default: the lease's current TTL).")
    var increment: String?

    @Argument(help: "The lease id.")
    var leaseID: String

    func run() async throws {
        var body: [String: JSONValue] = ["lease_id": .string(leaseID)]
        if let increment { body["increment"] = .string(increment) }
        try await global.withClient { client, output in
            let secret: SecretResponse?
            do {
                secret = try await client.writeSecret("sys/leases/renew", data: body)
            } catch {
                throw CommandFailure.request("Error renewing \(leaseID)", error)
            }
            guard let secret else { throw CommandFailure(kind: .api, message: "Error renewing \(leaseID): empty response") }
            if let field = fieldOption.field { try output.field(field, of: secret) } else { output.secret(secret) }
        }
    }
}

struct LeaseRevokeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "Revoke a lease, or every lease under a prefix.",
        discussion: """
            Without -sync the server revokes in the background. -prefix treats the argument as a \
            prefix (sudo); -force (with -prefix, sudo) drops the leases without asking their \
            engines, for credentials known to be gone already.
            """)

    @OptionGroup var global: GlobalOptions

    @Flag(name: .vault("prefix"), help: "Revoke every lease under the argument.")
    var prefix = false
    @Flag(name: [.customLong("force", withSingleDash: true), .customLong("force"), .customShort("f")],
          help: "With -prefix: delete the leases without revoking them in their engines.")
    var force = false
    @Flag(name: .vault("sync"), help: "Wait until the revocation is done.")
    var sync = false

    @Argument(help: "The lease id (or prefix with -prefix).")
    var leaseID: String

    func run() async throws {
        if force && !prefix { throw CommandFailure.usage("Specifying -force requires also specifying -prefix") }
        let id = CLIPath.sanitized(leaseID)
        try await global.withClient { client, output in
            do {
                if force {
                    _ = try await client.send(.PUT, "sys/leases/revoke-force/\(id)")
                    output.success("Success! Force revoked any leases with prefix: \(id)")
                    return
                }
                if prefix {
                    _ = try await client.writeSecret("sys/leases/revoke-prefix/\(id)", data: ["sync": .bool(sync)])
                } else {
                    _ = try await client.writeSecret("sys/leases/revoke", data: ["lease_id": .string(id), "sync": .bool(sync)])
                }
            } catch {
                throw CommandFailure.request("Error revoking \(prefix ? "leases with prefix \(id)" : "lease \(id)")", error)
            }
            switch (sync, prefix) {
            case (false, _): output.success("All revocation operations queued successfully!")
            case (true, true): output.success("Success! Revoked any leases with prefix: \(id)")
            case (true, false): output.success("Success! Revoked lease: \(id)")
            }
        }
    }
}
