import CustosJSON
import Foundation
import Synchronization
import VaultAPI

extension SystemBackend {
    func listMounts(_ runtime: Runtime) -> LogicalResponse {
        var mounts: [String: MountInfo] = ["sys/": .system]
        for entry in runtime.mounts.entries { mounts[entry.path] = MountInfo(entry) }
        return LogicalResponse(data: mounts, shape: .envelopeWithTopLevelData)
    }

    struct EnableParameters: Decodable {
        struct Config: Decodable {
            var defaultLeaseTtl: TTLParameter?
            var maxLeaseTtl: TTLParameter?
        }
        var type: String?
        var description: String?
        var config: Config?
        var options: [String: String]?
        var local: VaultBool?
        var sealWrap: VaultBool?
        // Parameters Vault's API has and clients send (often empty); accepted, without effect here.
        var externalEntropyAccess: VaultBool?
        var pluginName: String?
        var pluginVersion: String?
    }

    func mountPath(_ rawPath: String, _ request: LogicalRequest) async throws -> LogicalResponse {
        let path = MountTable.normalize(rawPath)
        guard !path.isEmpty else { throw CustosError.badRequest("a mount path is required") }
        switch request.operation {
        case .read:
            guard let runtime = core.runtime.withLock({ $0 }), let entry = runtime.mounts.entry(at: path) else {
                throw CustosError.badRequest("no mount at \(path)")
            }
            return LogicalResponse(data: MountInfo(entry))
        case .create, .update:
            let params = try request.decode(EnableParameters.self)
            guard let type = params.type, !type.isEmpty else { throw CustosError.badRequest("the mount type is required") }
            let defaultTTL = params.config?.defaultLeaseTtl?.seconds ?? 0
            let maxTTL = params.config?.maxLeaseTtl?.seconds ?? 0
            try validateTTLs(defaultTTL: defaultTTL, maxTTL: maxTTL)
            var entry = MountEntry(
                path: path,
                type: type,
                description: params.description ?? "",
                config: MountConfig(defaultLeaseTTL: defaultTTL, maxLeaseTTL: maxTTL),
                options: (params.options ?? [:]).filter { !$0.value.isEmpty }
            )
            entry.local = params.local?.value ?? false
            entry.sealWrap = params.sealWrap?.value ?? false
            try await core.enableMount(entry)
            return .noContent
        case .delete:
            if MountTable.reserved.contains(where: { path.hasPrefix($0) }) {
                throw CustosError.badRequest("cannot unmount \"\(path)\"")
            }
            try await core.disableMount(path)
            return .noContent
        default:
            throw CustosError.unsupportedOperation()
        }
    }

    struct TuneParameters: Decodable {
        var defaultLeaseTtl: TTLParameter?
        var maxLeaseTtl: TTLParameter?
        var description: String?
        var options: [String: String]?
        // Tune parameters of Vault's API that `bao secrets tune` and hvac send (usually empty);
        // accepted so that they are not reported as unknown, without effect in Custos.
        var forceNoCache: JSONValue?
        var auditNonHmacRequestKeys: JSONValue?
        var auditNonHmacResponseKeys: JSONValue?
        var listingVisibility: JSONValue?
        var passthroughRequestHeaders: JSONValue?
        var allowedResponseHeaders: JSONValue?
        var tokenType: JSONValue?
        var allowedManagedKeys: JSONValue?
        var pluginVersion: JSONValue?
        var userLockoutConfig: JSONValue?
        var delegatedAuthAccessors: JSONValue?
        var identityTokenKey: JSONValue?
    }

    struct TuneInfo: Encodable {
        var defaultLeaseTtl: Int64
        var maxLeaseTtl: Int64
        var forceNoCache = false
        var description: String
        var options: [String: String]?
        /// Auth methods only.
        var tokenType: String?
        enum CodingKeys: String, CodingKey {
            case defaultLeaseTtl = "default_lease_ttl", maxLeaseTtl = "max_lease_ttl"
            case forceNoCache = "force_no_cache", description, options
            case tokenType = "token_type"
        }
    }

    func tuneMount(_ rawPath: String, _ request: LogicalRequest) async throws -> LogicalResponse {
        let path = MountTable.normalize(rawPath)
        guard let runtime = core.runtime.withLock({ $0 }) else { throw CustosError.sealed }
        // `bao auth tune` tunes auth methods through this path.
        if path == TokenPaths.mount.path { return try await tuneAuthMethod(TokenPaths.methodPath, request, runtime) }
        if path == "sys/" {
            guard request.operation == .read else { throw CustosError.badRequest("the system backend cannot be tuned") }
            let settings = core.settings
            return LogicalResponse(
                data: TuneInfo(defaultLeaseTtl: settings.defaultLeaseTTL, maxLeaseTtl: settings.maxLeaseTTL, description: MountInfo.system.description ?? ""),
                shape: .envelopeWithTopLevelData
            )
        }
        guard var entry = runtime.mounts.entry(at: path) else {
            throw CustosError.badRequest("cannot tune \"\(path)\": no mount at this path")
        }
        switch request.operation {
        case .read:
            let settings = core.settings
            let maxTTL = entry.config.maxLeaseTTL > 0 ? entry.config.maxLeaseTTL : settings.maxLeaseTTL
            let defaultTTL = entry.config.defaultLeaseTTL > 0 ? entry.config.defaultLeaseTTL : settings.defaultLeaseTTL
            let info = TuneInfo(
                defaultLeaseTtl: min(defaultTTL, maxTTL),
                maxLeaseTtl: maxTTL,
                description: entry.description,
                options: entry.options.isEmpty ? nil : entry.options
            )
            return LogicalResponse(data: info, shape: .envelopeWithTopLevelData)
        case .create, .update:
            let params = try request.decode(TuneParameters.self)
            var config = entry.config
            if let ttl = params.defaultLeaseTtl { config.defaultLeaseTTL = ttl.seconds }
            if let ttl = params.maxLeaseTtl { config.maxLeaseTTL = ttl.seconds }
            try validateTTLs(defaultTTL: config.defaultLeaseTTL, maxTTL: config.maxLeaseTTL)
            if let options = params.options {
                var merged = entry.options
                for (key, value) in options { merged[key] = value }
                try core.engineType(entry.type)?.validateOptions(merged)
                entry.options = merged.filter { !$0.value.isEmpty }
            }
            entry.config = config
            if let description = params.description { entry.description = description }
            try await core.updateMount(entry)
            return .noContent
        default:
            throw CustosError.unsupportedOperation()
        }
    }

    /// A mount's TTLs must fit the system maximum and each other. 0 means "the system default";
    /// as in Vault, an unset default is not compared with a tuned max (leases are capped anyway).
    func validateTTLs(defaultTTL: Int64, maxTTL: Int64) throws(CustosError) {
        let settings = core.settings
        if maxTTL > settings.maxLeaseTTL {
            throw .badRequest("max_lease_ttl (\(VaultDuration(seconds: maxTTL))) cannot be greater than the system maximum (\(VaultDuration(seconds: settings.maxLeaseTTL)))")
        }
        let effectiveMax = maxTTL > 0 ? maxTTL : settings.maxLeaseTTL
        if defaultTTL > effectiveMax {
            throw .badRequest("default_lease_ttl (\(VaultDuration(seconds: defaultTTL))) cannot be greater than max_lease_ttl (\(VaultDuration(seconds: effectiveMax)))")
        }
    }

    /// What `bao kv` asks before it talks to a KV mount: its type and version. As in Vault, only
    /// for a token that may do something on the mount (the "preflight" check); an unknown mount
    /// gets the same 403, so the answer does not reveal which mounts exist.
    func uiMount(_ rawPath: String, _ runtime: Runtime, caller: RequestCaller) throws -> LogicalResponse {
        let shown = rawPath.hasSuffix("/") ? rawPath : rawPath + "/"
        guard let entry = runtime.mounts.match(rawPath), caller.acl.grantsAccess(underMount: entry.path) else {
            throw CustosError(.permissionDenied,
                "preflight capability check returned 403, please ensure client's policies grant access to path \"\(shown)\"")
        }
        struct UIMount: Encodable {
            var type: String
            var path: String
            var description: String
            var options: [String: String]?
        }
        return LogicalResponse(data: UIMount(type: entry.type, path: entry.path, description: entry.description, options: entry.options.isEmpty ? nil : entry.options))
    }
}

/// A TTL parameter of `sys/mounts`: a duration, or `"system"` for the system default (0).
struct TTLParameter: Decodable {
    var seconds: Int64
    init(from decoder: any Decoder) throws {
        if let text = try? decoder.singleValueContainer().decode(String.self), text == "system" {
            seconds = 0
        } else {
            seconds = try VaultDuration(from: decoder).seconds
        }
    }
}
