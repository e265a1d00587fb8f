import CustosCore
import CustosJSON
import Foundation

/// Vault's response body: `{request_id, lease_id, renewable, lease_duration, data, wrap_info,
/// warnings, auth, mount_type}`.
struct VaultEnvelope: Encodable {
    var requestID: String
    var response: LogicalResponse

    enum CodingKeys: String, CodingKey {
        case requestID = "request_id", leaseID = "lease_id", renewable, leaseDuration = "lease_duration"
        case data, wrapInfo = "wrap_info", warnings, auth, mountType = "mount_type"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(requestID, forKey: .requestID)
        try c.encode(response.leaseID, forKey: .leaseID)
        try c.encode(response.renewable, forKey: .renewable)
        try c.encode(response.leaseDuration, forKey: .leaseDuration)
        if let data = response.data { try c.encode(data, forKey: .data) } else { try c.encodeNil(forKey: .data) }
        try c.encodeNil(forKey: .wrapInfo)
        if response.warnings.isEmpty { try c.encodeNil(forKey: .warnings) } else { try c.encode(response.warnings, forKey: .warnings) }
        if let auth = response.auth { try c.encode(auth, forKey: .auth) } else { try c.encodeNil(forKey: .auth) }
        try c.encode("", forKey: .mountType)
    }
}

/// Bodies for each response shape.
enum ResponseEncoding {
    /// One configured encoder for every response (its settings never change after this).
    private static let shared: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()

    static func encoder() -> JSONEncoder { shared }

    static func body(for response: LogicalResponse, requestID: String) throws -> Data? {
        let encoder = shared
        switch response.shape {
        case .bare:
            guard let data = response.data else { return nil }
            return try encoder.encode(data)
        case .envelope:
            if response.data == nil && response.warnings.isEmpty && response.leaseID.isEmpty && response.auth == nil { return nil }
            return try encoder.encode(VaultEnvelope(requestID: requestID, response: response))
        case .envelopeWithTopLevelData:
            // Old clients read these keys at the top level; newer ones read `data`.
            let envelope = try JSONDecoder().decode([String: JSONValue].self, from: encoder.encode(VaultEnvelope(requestID: requestID, response: response)))
            var merged = envelope
            if case .object(let data)? = envelope["data"] {
                for (key, value) in data where merged[key] == nil { merged[key] = value }
            }
            return try encoder.encode(merged)
        }
    }

    static func status(for code: CustosError.Code) -> Int {
        switch code {
        case .badRequest: return 400
        case .permissionDenied: return 403
        case .notFound: return 404
        case .unsupportedOperation: return 405
        case .payloadTooLarge: return 413
        case .rateLimited: return 429
        case .internal: return 500
        case .sealed, .notInitialized: return 503
        }
    }
}
