import Foundation
import VaultAPI

extension TokenBackend {
    struct CreateParameters: Decodable {
        var policies: CommaSeparatedList?
        var meta: [String: String]?
        var noParent: VaultBool?
        var noDefaultPolicy: VaultBool?
        var ttl: VaultDuration?
        var lease: VaultDuration?
        var explicitMaxTtl: VaultDuration?
        var period: VaultDuration?
        var displayName: String?
        var numUses: VaultInt?
        var renewable: VaultBool?
        var type: String?
        var id: String?
        /// Only meaningful with token roles, which Custos does not have; the CLI sends it empty.
        var entityAlias: String?
    }

    /// `auth/token/create` and `create-orphan`: Vault's `handleCreateCommon` without roles.
    func create(_ request: LogicalRequest, orphan: Bool) async throws -> LogicalResponse {
        try SystemBackend.require(request, [.update, .create])
        let params = try request.decode(CreateParameters.self)
        let parent = caller.entry
        if parent.numUses != 0 {
            throw CustosError.badRequest("use limited tokens cannot create child tokens")
        }
        if let type = params.type, !type.isEmpty, type != "service" {
            throw CustosError.badRequest("unsupported token type \"\(type)\": Custos issues service tokens only")
        }
        let numUses = params.numUses?.value ?? 0
        guard numUses >= 0 else { throw CustosError.badRequest("number of uses cannot be negative") }
        var isOrphan = orphan
        if params.noParent?.value == true {
            guard caller.hasSudo else {
                throw CustosError.badRequest("root or sudo privileges required to create orphan token")
            }
            isOrphan = true
        }
        // Vault: choosing the id and periodic tokens (which escape the system maximum TTL) are
        // for root or sudo callers only.
        if let alias = params.entityAlias, !alias.isEmpty {
            throw CustosError.badRequest("'entity_alias' is only allowed in combination with token role")
        }
        if let id = params.id, !id.isEmpty {
            guard caller.hasSudo else { throw CustosError.badRequest("root or sudo privileges required to specify token id") }
            guard !id.contains(".") else { throw CustosError.badRequest("custom token ID cannot have a '.' in the value") }
        }
        if params.period.map({ $0.seconds > 0 }) == true, !caller.hasSudo {
            throw CustosError.badRequest("root or sudo privileges required to create periodic token")
        }

        let tokenPolicies = try Self.childPolicies(
            requested: params.policies?.values ?? [], parent: parent.policies, parentHasSudo: caller.hasSudo,
            noDefaultPolicy: params.noDefaultPolicy?.value ?? false)
        var warnings: [String] = []
        for name in tokenPolicies where name != "root" && name != "default" {
            if try await policies.policy(named: name) == nil {
                warnings.append("Policy \"\(name)\" does not exist")
            }
        }

        var period = params.period?.seconds ?? 0
        let explicitMax = params.explicitMaxTtl?.seconds ?? 0
        if period > 0, ttls.maxTTL > 0, period > ttls.maxTTL {
            warnings.append(Self.cappedWarning("period", period, ttls.maxTTL))
            period = ttls.maxTTL
        }
        var ttl = period > 0 ? period : (params.ttl ?? params.lease)?.seconds ?? 0
        if ttl == 0 && tokenPolicies != ["root"] {
            ttl = ttls.defaultTTL
        }
        if explicitMax > 0, ttl == 0 || ttl > explicitMax {
            if ttl > explicitMax { warnings.append(Self.cappedWarning("TTL", ttl, explicitMax)) }
            ttl = explicitMax
        }
        if period == 0, ttl > ttls.maxTTL, ttls.maxTTL > 0 {
            warnings.append(Self.cappedWarning("TTL", ttl, ttls.maxTTL))
            ttl = ttls.maxTTL
        }

        let now = tokens.clock.now
        let entry = TokenEntry(
            accessor: "",
            policies: tokenPolicies,
            displayName: Self.displayName(params.displayName),
            path: TokenPaths.mount.path + (orphan ? "create-orphan" : "create"),
            creationTime: now,
            ttl: ttl,
            meta: params.meta ?? [:],
            parentSaltedID: isOrphan ? "" : parent.saltedID,
            explicitMaxTTL: explicitMax,
            period: period,
            numUses: numUses,
            renewable: params.renewable?.value ?? true,
            expireTime: ttl > 0 ? now.addingTimeInterval(TimeInterval(ttl)) : nil
        )
        let created = try await tokens.create(entry, id: params.id.flatMap { $0.isEmpty ? nil : $0 })
        return LogicalResponse(
            warnings: warnings, auth: AuthBlock(clientToken: created.token, entry: created.entry, leaseDuration: ttl))
    }

    /// Vault's policy rules for a child token: no policies means the parent's; otherwise a subset
    /// of the parent's (`default` included) unless the parent may sudo; `default` added unless
    /// refused (and, for a non-sudo parent, only when the parent has it); `root` swallows every other name and
    /// needs a root parent.
    static func childPolicies(
        requested: [String], parent: [String], parentHasSudo: Bool, noDefaultPolicy: Bool
    ) throws(CustosError) -> [String] {
        let requestedNames = sanitize(requested, addDefault: false)
        let parentNames = sanitize(parent, addDefault: false)
        var addDefault = false
        var chosen: [String]
        if requestedNames.isEmpty {
            chosen = parentNames
        } else if !parentHasSudo {
            // `default` counts like any other name: a parent without it cannot hand it out (Vault).
            guard Set(requestedNames).isSubset(of: Set(parentNames)) || parentNames == ["root"] else {
                throw CustosError.badRequest("child policies must be subset of parent")
            }
            chosen = requestedNames
            addDefault = !noDefaultPolicy && parentNames.contains("default")
        } else {
            chosen = requestedNames
            addDefault = !noDefaultPolicy
        }
        var result = sanitize(chosen, addDefault: addDefault)
        if noDefaultPolicy { result.removeAll { $0 == "default" } }
        if result.contains("root") && !parentNames.contains("root") {
            throw CustosError.badRequest("root tokens may not be created without parent token being root")
        }
        return result
    }

    /// Lower-cased, trimmed, sorted, unique; `root` alone when present.
    static func sanitize(_ names: [String], addDefault: Bool) -> [String] {
        var set = Set(names.map(Policy.normalizedName).filter { !$0.isEmpty })
        if set.contains("root") { return ["root"] }
        if addDefault { set.insert("default") }
        return set.sorted()
    }

    /// Vault's warning for a TTL or period cut down to a limit, durations spelled as Vault does.
    static func cappedWarning(_ what: String, _ requested: Int64, _ limit: Int64) -> String {
        "\(what) of \"\(VaultDuration(seconds: requested))\" exceeded the effective max_ttl of \"\(VaultDuration(seconds: limit))\"; \(what) value is capped accordingly"
    }

    /// `token`, or `token-<name>` with every character outside `[A-Za-z0-9-]` turned into `-`.
    static func displayName(_ requested: String?) -> String {
        guard let requested, !requested.isEmpty else { return "token" }
        var full = String(("token-" + requested).map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") ? $0 : "-" })
        while full.hasSuffix("-") { full.removeLast() }
        return full
    }
}
