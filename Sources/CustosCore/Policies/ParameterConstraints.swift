import CustosJSON
/// `required_parameters`, `denied_parameters` and `allowed_parameters` of a winning rule, applied
/// to a request's parameters in Vault's order: required, then denied (which beats allowed), then
/// allowed. Parameter names compare case-insensitively.
enum ParameterConstraints {
    static func constrains(_ rule: ACLPermissions) -> Bool {
        !rule.requiredParameters.isEmpty || !rule.deniedParameters.isEmpty || !rule.allowedParameters.isEmpty
    }

    static func check(_ parameters: [String: JSONValue], against rule: ACLPermissions) -> ACLDenial? {
        guard constrains(rule) else { return nil }

        // Sorted so that the reported parameter is the same from one run to the next.
        let request = parameters.map { (name: $0.key.lowercased(), value: $0.value) }.sorted { $0.name < $1.name }

        for required in rule.requiredParameters where !request.contains(where: { $0.name == required }) {
            return .missingRequiredParameter(required)
        }
        if request.isEmpty { return nil }

        if !rule.deniedParameters.isEmpty {
            // `"*"` in denied_parameters refuses any parameter at all.
            if rule.deniedParameters["*"] != nil { return .deniedParameter(request[0].name) }
            for parameter in request {
                if let denied = rule.deniedParameters[parameter.name],
                    ParameterValueMatcher.isDenied(parameter.value, by: denied)
                {
                    return .deniedParameter(parameter.name)
                }
            }
        }

        if rule.allowedParameters.isEmpty { return nil }
        let allowsAnyName = rule.allowedParameters["*"] != nil
        if allowsAnyName && rule.allowedParameters.count == 1 { return nil }
        for parameter in request {
            guard let allowed = rule.allowedParameters[parameter.name] else {
                if allowsAnyName { continue }
                return .parameterNotAllowed(parameter.name)
            }
            if !ParameterValueMatcher.isAllowed(parameter.value, by: allowed) {
                return .parameterNotAllowed(parameter.name)
            }
        }
        return nil
    }
}
