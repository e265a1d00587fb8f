import VaultAPI

/// `sys/auth` and `sys/auth/<path>`: the auth methods. Custos authenticates with tokens only, so
/// the one method is the token store at `token/`: listed, read and its tune read as Vault shows
/// them, never disabled or enabled twice (Vault's messages). Enabling any other method is refused
/// with a message that says why, rather than Vault's "not in the catalog".
extension SystemBackend {
    /// The token store as `sys/auth` shows it.
    static var tokenMethod: MountInfo {
        var info = MountInfo(TokenPaths.mount)
        info.config?.tokenType = "default-service"
        return info
    }

    func listAuthMethods(_ request: LogicalRequest) throws -> LogicalResponse {
        try Self.require(request, [.read])
        return LogicalResponse(data: ["token/": Self.tokenMethod], shape: .envelopeWithTopLevelData)
    }

    func authMethodPath(_ rest: String, _ request: LogicalRequest) throws -> LogicalResponse {
        let isTune = rest.hasSuffix("/tune")
        let path = MountTable.normalize(isTune ? String(rest.dropLast("/tune".count)) : rest)
        guard !path.isEmpty else { throw CustosError.badRequest("cannot write to a path ending in '/'") }
        if isTune { return try tuneAuthMethod(path, request) }
        switch request.operation {
        case .read:
            guard path == TokenPaths.methodPath else { throw CustosError.badRequest("No auth engine at \(path)") }
            return LogicalResponse(data: Self.tokenMethod, shape: .envelopeWithTopLevelData)
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

    /// Reading the token store's tune shows the server's TTLs, which are its TTLs; changing them
    /// is the configuration file's job.
    func tuneAuthMethod(_ path: String, _ request: LogicalRequest) throws -> LogicalResponse {
        guard path == TokenPaths.methodPath else {
            throw CustosError.badRequest(
                request.operation == .read
                    ? "cannot fetch sysview for path \"auth/\(path)\""
                    : "tune of path \"auth/\(path)\" failed: no mount entry found")
        }
        switch request.operation {
        case .read:
            let settings = core.settings
            let info = TuneInfo(
                defaultLeaseTtl: min(settings.defaultLeaseTTL, settings.maxLeaseTTL), maxLeaseTtl: settings.maxLeaseTTL,
                description: TokenPaths.mount.description, tokenType: "default-service")
            return LogicalResponse(data: info, shape: .envelopeWithTopLevelData)
        case .create, .update:
            throw CustosError.badRequest(
                "the token store is not tuned in Custos: its TTLs are the server's default_lease_ttl and max_lease_ttl (configuration file)")
        default:
            throw CustosError.unsupportedOperation()
        }
    }
}
