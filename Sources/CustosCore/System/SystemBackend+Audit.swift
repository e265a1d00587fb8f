import CustosJSON
import Foundation
import VaultAPI

/// `sys/audit` (list), `sys/audit/<path>` (enable, disable) and `sys/audit-hash/<path>`, as in
/// Vault's `logical/system_audit.go`. The devices themselves live in `Audit/`.
extension SystemBackend {
    struct AuditEnableParameters: Decodable {
        var type: String?
        var description: String?
        /// Read from the raw data (`AuditOptions.values`): its keys are the device's, not
        /// parameter names, and must not go through the parameter-key mapping.
        var options: JSONValue?
        var local: VaultBool?
    }

    struct AuditHashParameters: Decodable {
        var input: String?
    }

    func listAuditDevices(_ request: LogicalRequest) async throws -> LogicalResponse? {
        try Self.require(request, [.read])
        var devices: [String: AuditDeviceInfo] = [:]
        for entry in try await core.auditTable().entries {
            devices[entry.path] = AuditDeviceInfo(
                type: entry.type, description: entry.description, options: entry.options, local: entry.local, path: entry.path)
        }
        return LogicalResponse(data: devices, shape: .envelopeWithTopLevelData)
    }

    func auditDevicePath(_ request: LogicalRequest) async throws -> LogicalResponse? {
        let path = AuditDeviceEntry.normalize(String(request.path.dropFirst("sys/audit/".count)))
        switch request.operation {
        case .create, .update:
            let params = try request.decode(AuditEnableParameters.self)
            guard !path.isEmpty else { throw CustosError.badRequest("an audit device path is required") }
            let entry = AuditDeviceEntry(
                path: path, type: params.type ?? "", description: params.description ?? "",
                options: try AuditOptions.values(try request.dataObject()["options"]), local: params.local?.value ?? false)
            try await core.enableAudit(entry)
            return .noContent
        case .delete:
            guard !path.isEmpty else { throw CustosError.unsupportedPath(request.path) }
            try await core.disableAudit(path)
            return .noContent
        default:
            throw CustosError.unsupportedOperation()
        }
    }

    func auditHashPath(_ request: LogicalRequest) async throws -> LogicalResponse? {
        try Self.require(request, [.update, .create])
        let path = AuditDeviceEntry.normalize(String(request.path.dropFirst("sys/audit-hash/".count)))
        let params = try request.decode(AuditHashParameters.self)
        guard !path.isEmpty else { throw CustosError.badRequest("an audit device path is required") }
        guard let input = params.input, !input.isEmpty else { throw CustosError.badRequest("the \"input\" parameter is empty") }
        return LogicalResponse(data: ["hash": try core.auditHash(input, path: path)], shape: .envelopeWithTopLevelData)
    }
}

/// A device's `options`: a map of strings, as Vault stores it; numbers and booleans that clients
/// send unquoted (`"mode": 384`, `"log_raw": true`) are taken as their text, as Vault does.
enum AuditOptions {
    static func values(_ value: JSONValue?) throws(CustosError) -> [String: String] {
        guard let value, value != .null else { return [:] }
        guard case .object(let raw) = value else { throw .badRequest("invalid value for \"options\": expected an object") }
        var values: [String: String] = [:]
        for (key, value) in raw {
            switch value {
            case .string(let text): values[key] = text
            case .bool(let flag): values[key] = flag ? "true" : "false"
            case .int(let number): values[key] = String(number)
            case .double, .null, .array, .object:
                throw .badRequest("invalid value for \"options.\(key)\": expected a string")
            }
        }
        return values
    }
}
