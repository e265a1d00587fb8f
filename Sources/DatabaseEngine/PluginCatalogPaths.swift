import CustosCore
import CustosJSON
import Foundation
import PluginHost
import VaultAPI

/// `sys/plugins/catalog[/database/<name>]` and `sys/plugins/reload/backend`, in Vault's shapes.
struct PluginCatalogPaths: SystemPathHandler {
    let catalog: PluginCatalog
    let supervisor: PluginSupervisor

    /// Vault's `plugins/catalog/*` root paths need sudo; the catalog's listing does not.
    var paths: [EnginePath] {
        let serve: EnginePath.Handler = { request, _ in try await handle(request.request) }
        return [
            EnginePath("plugins/catalog", help: "The plugin catalog.", everyOperation: serve),
            EnginePath("plugins/catalog/{path*}", help: "Register, read and remove plugins.", auth: .sudo, everyOperation: serve),
            EnginePath("plugins/reload/backend", help: "Restart a plugin's process.", everyOperation: serve),
        ]
    }

    private func handle(_ request: LogicalRequest) async throws -> LogicalResponse {
        do {
            return try await route(request)
        } catch let error as PluginHostError {
            throw Self.apiError(error)
        }
    }

    private func route(_ request: LogicalRequest) async throws -> LogicalResponse {
        let path = request.path.hasSuffix("/") ? String(request.path.dropLast()) : request.path
        switch path {
        case "sys/plugins/catalog":
            guard request.operation == .read || request.operation == .list else { throw CustosError.unsupportedOperation() }
            return try await listAll()
        case "sys/plugins/catalog/database":
            guard request.operation == .list || request.operation == .read else { throw CustosError.unsupportedOperation() }
            return LogicalResponse(data: KeyList(keys: try await catalog.list().map(\.name)))
        case "sys/plugins/reload/backend":
            guard request.operation == .update || request.operation == .create else { throw CustosError.unsupportedOperation() }
            return try await reload(request)
        default:
            break
        }
        let prefix = "sys/plugins/catalog/database/"
        // The table routes only catalog paths here.
        guard path.hasPrefix(prefix) else {
            throw CustosError.badRequest("unsupported plugin type: only \"database\" plugins exist in Custos")
        }
        let name = String(path.dropFirst(prefix.count))
        switch request.operation {
        case .read:
            guard let entry = try await catalog.get(name) else { throw CustosError(.notFound, messages: []) }
            return LogicalResponse(data: EntryInfo(entry))
        case .create, .update:
            let params = try request.decode(RegisterParameters.self)
            if params.ociImage.map({ !$0.isEmpty }) == true || params.runtime.map({ !$0.isEmpty }) == true {
                throw CustosError.badRequest("container plugins (oci_image, runtime) are not supported: register an executable")
            }
            guard let sha = params.sha256, !sha.isEmpty else { throw CustosError.badRequest("missing sha256") }
            guard let command = params.command, !command.isEmpty else { throw CustosError.badRequest("missing command") }
            try await catalog.register(PluginCatalogEntry(
                name: name, command: command, args: params.args ?? [], env: params.env ?? [],
                sha256: sha, version: params.version ?? ""))
            return .noContent
        case .delete:
            try await catalog.deregister(name)
            return .noContent
        default:
            throw CustosError.unsupportedOperation()
        }
    }

    struct RegisterParameters: Decodable {
        var sha256: String?
        var command: String?
        var args: [String]?
        var env: [String]?
        var version: String?
        /// Vault's CLI sends the type as a number, others as a string; the path already says it.
        var type: JSONValue?
        /// Container plugins (Vault 1.15+); Custos runs executables only, refused when set.
        var ociImage: String?
        var runtime: String?
    }

    /// A catalog entry as Vault shows it; `env` is left out (it may hold credentials).
    struct EntryInfo: Encodable {
        var name: String
        var command: String
        var args: [String]
        var sha256: String
        var builtin: Bool
        var version: String
        var deprecationStatus: String?
        enum CodingKeys: String, CodingKey {
            case name, command, args, sha256, builtin, version
            case deprecationStatus = "deprecation_status"
        }
        init(_ entry: PluginCatalogEntry) {
            name = entry.name
            command = entry.command
            args = entry.args
            sha256 = entry.sha256
            builtin = entry.builtin
            version = entry.version
            deprecationStatus = entry.builtin ? "supported" : nil
        }
    }

    private func listAll() async throws -> LogicalResponse {
        let entries = try await catalog.list()
        return LogicalResponse(data: PluginCatalogListing(
            auth: [],
            secret: [],
            database: entries.map(\.name),
            detailed: entries.map {
                .init(name: $0.name, type: "database", builtin: $0.builtin, version: $0.version,
                      sha256: $0.builtin ? nil : $0.sha256, deprecationStatus: $0.builtin ? "supported" : nil)
            }
        ))
    }

    struct ReloadParameters: Decodable {
        var plugin: String?
        var mounts: [String]?
        var scope: String?
    }

    /// Restarts a plugin's process (the next call re-initialises its connections).
    private func reload(_ request: LogicalRequest) async throws -> LogicalResponse {
        let params = try request.decode(ReloadParameters.self)
        if let scope = params.scope, !scope.isEmpty {
            throw CustosError.badRequest("scope \"\(scope)\" is not supported: Custos runs one node")
        }
        guard let name = params.plugin, !name.isEmpty else {
            throw CustosError.badRequest("plugin is required (reloading by mounts is not supported yet)")
        }
        guard try await catalog.get(name) != nil else {
            throw CustosError.badRequest("plugin \"\(name)\" is not in the catalog")
        }
        try await supervisor.reload(name)
        return .noContent
    }

    /// Catalog problems are the caller's to fix (400); a plugin that will not start is reported
    /// with the host's message, which names the plugin and never a parameter.
    static func apiError(_ error: PluginHostError) -> CustosError {
        switch error.code {
        case .notFound:
            return CustosError(.notFound, error.description)
        case .storage:
            return CustosError(.internal, error.description)
        default:
            return CustosError.badRequest(error.description)
        }
    }
}
