import Foundation
import VaultAPI

/// `sys/policies/password[/<name>[/generate]]`, in Vault's shapes (checked against `bao`).
extension SystemBackend {
    static let passwordPoliciesPath = "sys/policies/password"

    var passwordPolicies: PasswordPolicyStore { core.passwordPolicies }

    struct PasswordPolicyWrite: Decodable {
        var policy: String?
    }

    /// nil when the path is not a password-policy path.
    func passwordPolicyPath(_ request: LogicalRequest) async throws -> LogicalResponse? {
        let path = request.path
        if path == Self.passwordPoliciesPath || path == Self.passwordPoliciesPath + "/" {
            try Self.require(request, [.list])
            return LogicalResponse(data: KeyList(keys: try await passwordPolicies.names()))
        }
        guard path.hasPrefix(Self.passwordPoliciesPath + "/") else { return nil }
        var name = String(path.dropFirst(Self.passwordPoliciesPath.count + 1))
        if name.hasSuffix("/generate") {
            name.removeLast("/generate".count)
            try Self.require(request, [.read])
            return try await generate(name)
        }
        guard !name.isEmpty, !name.contains("/") else { throw CustosError.badRequest("missing policy name") }
        switch request.operation {
        case .read:
            guard let text = try await passwordPolicies.text(name) else { throw CustosError(.notFound, "policy does not exist") }
            return LogicalResponse(data: ["policy": text])
        case .create, .update:
            guard var text = try request.decode(PasswordPolicyWrite.self).policy, !text.isEmpty else {
                throw CustosError.badRequest("missing policy")
            }
            // As Vault: a policy that is valid base64 is taken decoded.
            if let decoded = Data(base64Encoded: text), let decodedText = String(data: decoded, encoding: .utf8) {
                text = decodedText
            }
            try await passwordPolicies.write(name, text: text)
            return .noContent
        case .delete:
            try await passwordPolicies.delete(name)
            return .noContent
        default:
            throw CustosError.unsupportedOperation()
        }
    }

    private func generate(_ name: String) async throws -> LogicalResponse {
        guard !name.isEmpty, try await passwordPolicies.text(name) != nil else {
            throw CustosError(.notFound, "policy does not exist")
        }
        return LogicalResponse(data: ["password": try await passwordPolicies.generate(policy: name)])
    }
}
