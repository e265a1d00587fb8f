import CustosCore
import CustosJSON
import Foundation
import VaultAPI

/// A handler's `data`, whatever its type, encoded as itself.
struct HandlerData: Encodable, Sendable {
    let value: any Encodable & Sendable

    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(value)
    }
}

extension SecretEnvelope where Payload == HandlerData, Auth == AuthBlock {
    /// Vault's envelope of `response`: no `wrap_info`, `warnings` null when there are none, an
    /// empty `mount_type`.
    init(requestID: String, response: LogicalResponse) {
        self.init(
            requestID: requestID, leaseID: response.leaseID, renewable: response.renewable,
            leaseDuration: response.leaseDuration, data: response.data.map(HandlerData.init),
            warnings: response.warnings.isEmpty ? nil : response.warnings, auth: response.auth, mountType: "")
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
            return try encoder.encode(SecretEnvelope(requestID: requestID, response: response))
        case .envelopeWithTopLevelData:
            // Old clients read these keys at the top level; newer ones read `data`.
            let envelope = try JSONDecoder().decode([String: JSONValue].self, from: encoder.encode(SecretEnvelope(requestID: requestID, response: response)))
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
