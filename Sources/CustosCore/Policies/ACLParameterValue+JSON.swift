package import CustosJSON

extension ACLParameterValue {
    /// A request body value as the ACL matches it. Numbers keep their decimal text (`10`, `1.5`)
    /// for diagnostics only: the matcher never equates them with a policy entry (as in Vault).
    package init(_ json: JSONValue) {
        switch json {
        case .null: self = .null
        case .bool(let flag): self = .bool(flag)
        case .int(let number): self = .number(String(number))
        case .double(let number):
            // 10.0 arrives as a double from some clients; show it as `10`.
            if let whole = Int64(exactly: number) {
                self = .number(String(whole))
            } else {
                self = .number(String(number))
            }
        case .string(let text): self = .string(text)
        case .array(let elements): self = .list(elements.map(ACLParameterValue.init))
        case .object(let members): self = .object(members.mapValues(ACLParameterValue.init))
        }
    }

    /// Every top-level member of a request body, ready for `ACL.allows(_:path:parameters:)`.
    package static func parameters(_ body: [String: JSONValue]) -> [String: ACLParameterValue] {
        body.mapValues(ACLParameterValue.init)
    }
}
