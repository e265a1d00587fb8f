import VaultAPI

/// `sys/auth` and `sys/auth/<path>`: the auth methods. Custos authenticates with tokens only, so
/// the one method is the token store at `token/`: listed, read and tuned (its TTLs) as in Vault,
/// never disabled or enabled twice (Vault's messages). Enabling any other method is refused with
/// a message that says why, rather than Vault's "not in the catalog".
extension SystemBackend {
    /// The token store as `sys/auth` shows it, with its tuned TTLs (0: the server's).
    static func tokenMethod(_ runtime: Runtime) -> MountInfo {
        var entry = TokenPaths.mount
        entry.config = runtime.tokenStoreConfig
        var info = MountInfo(entry)
        info.config?.tokenType = "default-service"
        return info
    }

    func listAuthMethods(_ request: LogicalRequest, _ runtime: Runtime) throws -> LogicalResponse {
        try Self.require(request, [.read])
        return LogicalResponse(data: [TokenPaths.methodPath: Self.tokenMethod(runtime)], shape: .envelopeWithTopLevelData)
    }

    func authMethodPath(_ rest: String, _ request: LogicalRequest, _ runtime: Runtime) async throws -> LogicalResponse {
        let isTune = rest.hasSuffix("/tune")
        let path = MountTable.normalize(isTune ? String(rest.dropLast("/tune".count)) : rest)
        guard !path.isEmpty else { throw CustosError.badRequest("cannot write to a path ending in '/'") }
        if isTune { return try await tuneAuthMethod(path, request, runtime) }
        switch request.operation {
        case .read:
            guard path == TokenPaths.methodPath else { throw CustosError.badRequest("No auth engine at \(path)") }
            return LogicalResponse(data: Self.tokenMethod(runtime), shape: .envelopeWithTopLevelData)
        case .create, .update:
            let parameters = try request.decode(EnableParameters.self)
            guard let type = parameters.type, !type.isEmpty else {
                throw CustosError.badRequest("backend type must be specified as a string")
            }
            guard type != "token" else { throw CustosError.badRequest("token credential backend cannot be instantiated") }
            guard path != TokenPaths.methodPath else { throw CustosError.badRequest("path is already in use at \(path)") }
            throw CustosError.badRequest(
                "auth method \"\(type)\" is not available: Custos authenticates with tokens only (auth/token/)")
        case .delete:
            // Disabling a method that is not there is not an error, as in Vault.
            guard path != TokenPaths.methodPath else { throw CustosError.badRequest("token credential backend cannot be disabled") }
            return .noContent
        default:
            throw CustosError.unsupportedOperation()
        }
    }

    /// The token store's TTLs: read as in force (its own, else the server's), written as for a
    /// mount (`system` or 0: the server's; the default not above the maximum, the maximum not
    /// above the server's). Its description and options are fixed.
    func tuneAuthMethod(_ path: String, _ request: LogicalRequest, _ runtime: Runtime) async throws -> LogicalResponse {
        guard path == TokenPaths.methodPath else {
            throw CustosError.badRequest(
                request.operation == .read
                    ? "cannot fetch sysview for path \"auth/\(path)\""
                    : "tune of path \"auth/\(path)\" failed: no mount entry found")
        }
        switch request.operation {
        case .read:
            let ttls = runtime.tokenTTLs(core.settings)
            let info = TuneInfo(
                defaultLeaseTtl: ttls.defaultTTL, maxLeaseTtl: ttls.maxTTL,
                description: TokenPaths.mount.description, tokenType: "default-service")
            return LogicalResponse(data: info, shape: .envelopeWithTopLevelData)
        case .create, .update:
            let parameters = try request.decode(TuneParameters.self)
            if parameters.description != nil || parameters.options != nil {
                throw CustosError.badRequest("the token store's description and options cannot be tuned")
            }
            var config = runtime.tokenStoreConfig
            if let ttl = parameters.defaultLeaseTtl { config.defaultLeaseTTL = ttl.seconds }
            if let ttl = parameters.maxLeaseTtl { config.maxLeaseTTL = ttl.seconds }
            try validateTTLs(defaultTTL: config.defaultLeaseTTL, maxTTL: config.maxLeaseTTL)
            try await core.tuneTokenStore(config)
            return .noContent
        default:
            throw CustosError.unsupportedOperation()
        }
    }
}
