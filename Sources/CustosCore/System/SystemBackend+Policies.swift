import VaultAPI

extension SystemBackend {
    struct PolicyWrite: Decodable {
        var policy: String?
        /// The legacy `sys/policy/<name>` also takes the text as `rules`.
        var rules: String?
    }

    struct PolicyRead: Encodable {
        var name: String
        var policy: String
    }

    struct LegacyPolicyRead: Encodable {
        var name: String
        var rules: String
    }

    struct LegacyPolicyList: Encodable {
        var keys: [String]
        var policies: [String]
    }

    /// `sys/policies/acl[/<name>]` and the legacy `sys/policy[/<name>]`; nil for other paths.
    func policyPath(_ request: LogicalRequest, policies: PolicyStore) async throws -> LogicalResponse? {
        let path = request.path
        let legacy: Bool
        let name: String
        if path == "sys/policies/acl" || path == "sys/policies/acl/" {
            try Self.require(request, [.list])
            return LogicalResponse(data: KeyList(keys: try await policies.names()))
        } else if path == "sys/policy" || path == "sys/policy/" {
            try Self.require(request, [.read, .list])
            let names = try await policies.names()
            return LogicalResponse(data: LegacyPolicyList(keys: names, policies: names), shape: .envelopeWithTopLevelData)
        } else if path.hasPrefix("sys/policies/acl/") {
            legacy = false
            name = String(path.dropFirst("sys/policies/acl/".count))
        } else if path.hasPrefix("sys/policy/") {
            legacy = true
            name = String(path.dropFirst("sys/policy/".count))
        } else {
            return nil
        }
        switch request.operation {
        case .read:
            guard let policy = try await policies.policy(named: name) else { throw CustosError(.notFound, messages: []) }
            if legacy {
                return LogicalResponse(data: LegacyPolicyRead(name: policy.name, rules: policy.raw), shape: .envelopeWithTopLevelData)
            }
            return LogicalResponse(data: PolicyRead(name: policy.name, policy: policy.raw))
        case .create, .update:
            let params = try request.decode(PolicyWrite.self)
            var text = params.policy ?? ""
            var warnings: [String] = []
            // The legacy path falls back to `rules` when `policy` is missing or empty, as Vault does.
            if text.isEmpty, legacy {
                text = params.rules ?? ""
                warnings.append("'rules' is deprecated, please use 'policy' instead")
            }
            // Only an empty text is refused: whitespace or comments alone make an empty policy.
            guard !text.isEmpty else { throw CustosError.badRequest("'policy' parameter not supplied or empty") }
            do {
                text = try PolicyText.decoded(text)
            } catch {
                throw CustosError.badRequest("failed to parse policy: \(error.message)")
            }
            warnings += try await policies.write(name: name, text: text)
            return warnings.isEmpty ? .noContent : LogicalResponse(warnings: warnings)
        case .delete:
            try await policies.delete(name: name)
            return .noContent
        case .list, .patch:
            throw CustosError.unsupportedOperation()
        }
    }
}
