import Foundation
import VaultAPI

extension SystemBackend {
    struct InitParameters: Decodable {
        var secretShares: VaultInt?
        var secretThreshold: VaultInt?
        var pgpKeys: [String]?
        var rootTokenPgpKey: String?
        var storedShares: VaultInt?
        var recoveryShares: VaultInt?
        var recoveryThreshold: VaultInt?
        var recoveryPgpKeys: [String]?
    }

    func initPath(_ request: LogicalRequest) async throws -> LogicalResponse {
        switch request.operation {
        case .read:
            return LogicalResponse(data: InitStatus(initialized: try await core.seal.isInitialized()), shape: .bare)
        case .update, .create:
            let params = try request.decode(InitParameters.self)
            if let keys = params.pgpKeys, !keys.isEmpty {
                throw CustosError.badRequest("pgp_keys is not supported: unseal keys are returned in the clear once")
            }
            if let key = params.rootTokenPgpKey, !key.isEmpty {
                throw CustosError.badRequest("root_token_pgp_key is not supported")
            }
            if let recovery = params.recoveryShares?.value, recovery > 0 {
                throw CustosError.badRequest("recovery_shares applies only to auto-unseal, which Custos does not offer")
            }
            guard let shares = params.secretShares?.value, let threshold = params.secretThreshold?.value else {
                throw CustosError.badRequest("secret_shares and secret_threshold are required")
            }
            let result = try await core.initialize(shares: shares, threshold: threshold)
            return LogicalResponse(
                data: InitResponse(
                    keys: result.keys.map(UnsealKeyEncoding.hexString),
                    keysBase64: result.keys.map { Data($0).base64EncodedString() },
                    rootToken: result.rootToken
                ),
                shape: .bare
            )
        default:
            throw CustosError.unsupportedOperation()
        }
    }

    struct UnsealParameters: Decodable {
        var key: String?
        var reset: VaultBool?
        var migrate: VaultBool?
    }

    func unsealPath(_ request: LogicalRequest) async throws -> LogicalResponse {
        try Self.require(request, [.update, .create])
        let params = try request.decode(UnsealParameters.self)
        if params.reset?.value == true {
            await core.seal.resetProgress()
        } else {
            guard let text = params.key, !text.isEmpty else {
                throw CustosError.badRequest("'key' must be specified in the request body as JSON, or 'reset' set to true")
            }
            guard var decoded = UnsealKeyEncoding.decode(text) else {
                throw CustosError.badRequest("'key' must be a valid hex or base64 string")
            }
            // From here on the share lives only in a wiped-on-free buffer.
            let share = SecretBytes(decoded)
            decoded.wipe()
            guard try await core.seal.isInitialized() else { throw CustosError.notInitialized }
            try await core.submitUnsealKey(share)
        }
        return LogicalResponse(data: try await core.sealStatus(), shape: .bare)
    }

    struct HealthResponse: Encodable {
        var initialized: Bool
        var sealed: Bool
        var standby: Bool
        var performanceStandby: Bool
        var replicationPerformanceMode: String
        var replicationDrMode: String
        var serverTimeUtc: Int64
        var version: String
        var clusterName: String?
        var clusterId: String?
        enum CodingKeys: String, CodingKey {
            case initialized, sealed, standby, version
            case performanceStandby = "performance_standby"
            case replicationPerformanceMode = "replication_performance_mode"
            case replicationDrMode = "replication_dr_mode"
            case serverTimeUtc = "server_time_utc"
            case clusterName = "cluster_name", clusterId = "cluster_id"
        }
    }

    /// Vault's status codes: 200 active, 501 not initialised, 503 sealed; each overridable by a
    /// query flag (`sealedcode=200`, ...), which load balancers rely on.
    func healthPath(_ request: LogicalRequest) async throws -> LogicalResponse {
        try Self.require(request, [.read])
        func code(_ name: String, _ fallback: Int) throws(CustosError) -> Int {
            guard let text = request.query[name] else { return fallback }
            guard let value = Int(text), (100...599).contains(value) else {
                throw CustosError.badRequest("\(name) must be an HTTP status code")
            }
            return value
        }
        let status = try await core.healthState()
        let statusCode: Int
        if !status.initialized {
            statusCode = try code("uninitcode", 501)
        } else if status.sealed {
            statusCode = try code("sealedcode", 503)
        } else {
            statusCode = try code("activecode", 200)
        }
        let body = HealthResponse(
            initialized: status.initialized,
            sealed: status.sealed,
            standby: false,
            performanceStandby: false,
            replicationPerformanceMode: "disabled",
            replicationDrMode: "disabled",
            serverTimeUtc: Int64(Date().timeIntervalSince1970),
            version: CustosVersion.string,
            clusterName: status.clusterName,
            clusterId: status.clusterId
        )
        return LogicalResponse(data: body, shape: .bare, statusCode: statusCode)
    }

    /// `sys/leader`: what `bao status` asks, also while sealed or not initialised (the CLI prints
    /// the seal status only if this answers). One server per storage file, so HA is off.
    func leaderPath(_ request: LogicalRequest) async throws -> LogicalResponse {
        try Self.require(request, [.read])
        return LogicalResponse(data: LeaderStatus(), shape: .bare)
    }
}
