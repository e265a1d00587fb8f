import CustosJSON
import Foundation
import VaultAPI

/// Vault's KV secrets engine, version 1: arbitrary JSON objects stored at arbitrary paths,
/// encrypted by the barrier like everything else.
package struct KVEngine: SecretsEngine {
    let storage: any StorageBackend
    let system: SystemView

    package static let type = SecretsEngineType(
        name: "kv",
        validateOptions: { options throws(CustosError) in
            for (key, value) in options {
                switch key {
                case "version":
                    guard value.isEmpty || value == "1" else {
                        throw .badRequest("KV version \(value) is not supported: Custos serves KV version 1")
                    }
                default:
                    throw .badRequest("unknown option \"\(key)\" for the kv secrets engine")
                }
            }
        },
        make: { context in KVEngine(storage: context.storage, system: context.system) }
    )

    /// KV's one path family: any key below the mount (Vault's `.*`).
    var paths: EnginePathTable {
        EnginePathTable([
            EnginePath(
                "{key*}", help: "Pass-through secret storage: any JSON object at any path.",
                operations: [
                    .read: { request, match in try await read(match["key"], request) },
                    .list: { _, match in try await list(match["key"]) },
                    .update: { request, match in try await write(match["key"], request) },
                    .delete: { _, match in try await delete(match["key"]) },
                ],
                exists: { _, match in
                    let key = match["key"]
                    return !key.isEmpty && !key.hasSuffix("/") ? try await storage.get(key) != nil : true
                }),
        ])
    }

    package func handle(_ request: EngineRequest) async throws -> LogicalResponse {
        let key = request.path
        if key.contains("//") || key.split(separator: "/").contains(where: { $0 == ".." }) {
            throw CustosError.badRequest("invalid path \"\(key)\"")
        }
        return try await paths.handle(request)
    }

    package func exists(_ request: EngineRequest) async throws -> Bool? {
        let key = request.path
        guard !key.isEmpty, !key.hasSuffix("/") else { return nil }
        return try await paths.exists(request)
    }

    private func read(_ key: String, _ request: EngineRequest) async throws -> LogicalResponse {
        // A folder is not a secret (Vault: 404 for `GET secret/folder/`).
        guard !key.isEmpty, !key.hasSuffix("/"), let stored = try await storage.get(key) else {
            throw CustosError(.notFound, messages: [])
        }
        let data = try JSONDecoder().decode([String: JSONValue].self, from: stored)
        return LogicalResponse(data: data, leaseDuration: leaseDuration(of: data, mount: request.mount))
    }

    private func list(_ key: String) async throws -> LogicalResponse {
        let prefix = key.isEmpty || key.hasSuffix("/") ? key : key + "/"
        let keys = try await storage.list(prefix: prefix)
        guard !keys.isEmpty else { throw CustosError(.notFound, messages: []) }
        return LogicalResponse(data: KeyList(keys: keys))
    }

    private func write(_ key: String, _ request: EngineRequest) async throws -> LogicalResponse {
        guard !key.isEmpty, !key.hasSuffix("/") else {
            throw CustosError.badRequest("missing secret path: write to a path below the mount, such as \(request.mount.path)my-secret")
        }
        let data = try request.dataObject()
        guard !data.isEmpty else { throw CustosError.badRequest("no data provided") }
        if let ttl = data["ttl"] {
            _ = try Self.ttlSeconds(ttl)
        }
        try await storage.put(key, try JSONEncoder().encode(data))
        return .noContent
    }

    private func delete(_ key: String) async throws -> LogicalResponse {
        guard !key.isEmpty else { throw CustosError.unsupportedOperation() }
        guard !key.hasSuffix("/") else { return .noContent }
        try await storage.delete(key)
        return .noContent
    }

    /// KV v1 reports a refresh interval: the secret's own `ttl` key, else the mount's default.
    private func leaseDuration(of data: [String: JSONValue], mount: MountEntry) -> Int64 {
        if let ttl = data["ttl"], let seconds = try? Self.ttlSeconds(ttl) { return seconds }
        let maxTTL = mount.config.maxLeaseTTL > 0 ? mount.config.maxLeaseTTL : system.maxLeaseTTL
        return min(mount.config.defaultLeaseTTL > 0 ? mount.config.defaultLeaseTTL : system.defaultLeaseTTL, maxTTL)
    }

    private static func ttlSeconds(_ value: JSONValue) throws(CustosError) -> Int64 {
        switch value {
        case .int(let i) where i >= 0: return i
        case .string(let s):
            do { return try VaultDuration(parsing: s).seconds } catch {
                throw .badRequest("invalid ttl: \(error.description)")
            }
        default: throw .badRequest("invalid ttl: expected a duration such as \"1h\"")
        }
    }
}
