/// One entry of a policy's `allowed_parameters` / `denied_parameters` value list, typed as
/// written: Vault compares a request value with an entry of the same type only, so `1`, `"1"`
/// and `true`, `"true"` are different entries.
package enum PolicyParameterValue: Sendable, Hashable, ExpressibleByStringLiteral {
    case string(String)
    case int(Int64)
    case float(Double)
    case bool(Bool)

    package init(stringLiteral value: String) {
        self = .string(value)
    }
}
