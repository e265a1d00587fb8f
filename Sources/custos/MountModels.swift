import CustosJSON
import Foundation
import NIOHTTP1
import VaultAPI

extension MountInfo {
    /// Field order of Vault's mount output (and its config block) in `-format=json`.
    static let jsonKeyOrder = [
        "uuid", "type", "description", "accessor", "config", "default_lease_ttl", "max_lease_ttl",
        "force_no_cache", "token_type", "options", "local", "seal_wrap", "external_entropy_access", "plugin_version",
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
    /// `sys/auth` lists the auth methods in the same shape.
    func mounts(listedAt path: String = "sys/mounts") async throws -> (entries: [String: MountInfo], raw: [String: JSONValue]) {
        let body = try await decode([String: JSONValue].self, .GET, path)
        let raw = body["data"]?.objectValue ?? body.filter { $0.key.hasSuffix("/") }
        var entries: [String: MountInfo] = [:]
        for (path, value) in raw {
            entries[path] = try JSONDecoder().decode(MountInfo.self, from: JSONEncoder().encode(value))
        }
        return (entries, raw)
    }
}
