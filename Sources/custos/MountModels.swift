import Foundation
import NIOHTTP1

/// One entry of `GET /v1/sys/mounts`.
struct MountResponse: Decodable, Sendable {
    struct Config: Decodable, Sendable {
        var defaultLeaseTTL: Int?
        var maxLeaseTTL: Int?
        var forceNoCache: Bool?
        enum CodingKeys: String, CodingKey {
            case defaultLeaseTTL = "default_lease_ttl"
            case maxLeaseTTL = "max_lease_ttl"
            case forceNoCache = "force_no_cache"
        }
    }

    var type: String
    var description: String?
    var accessor: String?
    var config: Config?
    var options: [String: String]?
    var local: Bool?
    var sealWrap: Bool?
    var externalEntropyAccess: Bool?
    var uuid: String?
    var pluginVersion: String?
    var runningPluginVersion: String?
    var runningSHA256: String?
    var deprecationStatus: String?

    enum CodingKeys: String, CodingKey {
        case type, description, accessor, config, options, local, uuid
        case sealWrap = "seal_wrap"
        case externalEntropyAccess = "external_entropy_access"
        case pluginVersion = "plugin_version"
        case runningPluginVersion = "running_plugin_version"
        case runningSHA256 = "running_sha256"
        case deprecationStatus = "deprecation_status"
    }

    /// Field order of Vault's mount output (and its config block) in `-format=json`.
    static let jsonKeyOrder = [
        "uuid", "type", "description", "accessor", "config", "default_lease_ttl", "max_lease_ttl",
        "force_no_cache", "options", "local", "seal_wrap", "external_entropy_access", "plugin_version",
        "running_plugin_version", "running_sha256", "deprecation_status",
    ]
}

/// `POST /v1/sys/mounts/:path`. TTLs go as the user wrote them (`"1h"`); the server parses them.
struct EnableMountRequest: Encodable, Sendable {
    struct Config: Encodable, Sendable {
        var defaultLeaseTTL: String?
        var maxLeaseTTL: String?
        enum CodingKeys: String, CodingKey {
            case defaultLeaseTTL = "default_lease_ttl"
            case maxLeaseTTL = "max_lease_ttl"
        }
    }

    var type: String
    var description: String
    var config: Config
}

/// `POST /v1/sys/mounts/:path/tune`: only the settings the user gave.
struct TuneMountRequest: Encodable, Sendable {
    var defaultLeaseTTL: String?
    var maxLeaseTTL: String?
    var description: String?
    enum CodingKeys: String, CodingKey {
        case defaultLeaseTTL = "default_lease_ttl"
        case maxLeaseTTL = "max_lease_ttl"
        case description
    }
}

extension APIClient {
    /// Mounts by path (`kv/`), raw and decoded. Vault answers with the mounts both at the top
    /// level and under `data`; prefer `data`.
    func mounts() async throws -> (entries: [String: MountResponse], raw: [String: AnyJSON]) {
        let body = try await decode([String: AnyJSON].self, .GET, "sys/mounts")
        let raw = body["data"]?.objectValue ?? body.filter { $0.key.hasSuffix("/") }
        var entries: [String: MountResponse] = [:]
        for (path, value) in raw {
            entries[path] = try JSONDecoder().decode(MountResponse.self, from: JSONEncoder().encode(value))
        }
        return (entries, raw)
    }
}
