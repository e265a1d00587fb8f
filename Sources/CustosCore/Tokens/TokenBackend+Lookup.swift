import Foundation

extension TokenBackend {
    /// `lookup`'s data, in Vault's field names.
    struct LookupData: Encodable {
        var accessor: String
        var creationTime: Int64
        var creationTtl: Int64
        var displayName: String
        var entityId = ""
        var expireTime: String?
        var explicitMaxTtl: Int64
        var id: String
        var issueTime: String
        var lastRenewal: String?
        var lastRenewalTime: Int64?
        var meta: [String: String]?
        var numUses: Int
        var orphan: Bool
        var path: String
        var period: Int64?
        var policies: [String]
        var renewable: Bool
        var ttl: Int64
        var type = "service"

        enum CodingKeys: String, CodingKey {
            case accessor, creationTime = "creation_time", creationTtl = "creation_ttl", displayName = "display_name"
            case entityId = "entity_id", expireTime = "expire_time", explicitMaxTtl = "explicit_max_ttl", id
            case issueTime = "issue_time", lastRenewal = "last_renewal", lastRenewalTime = "last_renewal_time"
            case meta, numUses = "num_uses", orphan, path, period, policies, renewable, ttl, type
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(accessor, forKey: .accessor)
            try c.encode(creationTime, forKey: .creationTime)
            try c.encode(creationTtl, forKey: .creationTtl)
            try c.encode(displayName, forKey: .displayName)
            try c.encode(entityId, forKey: .entityId)
            if let expireTime { try c.encode(expireTime, forKey: .expireTime) } else { try c.encodeNil(forKey: .expireTime) }
            try c.encode(explicitMaxTtl, forKey: .explicitMaxTtl)
            try c.encode(id, forKey: .id)
            try c.encode(issueTime, forKey: .issueTime)
            try c.encodeIfPresent(lastRenewal, forKey: .lastRenewal)
            try c.encodeIfPresent(lastRenewalTime, forKey: .lastRenewalTime)
            if let meta { try c.encode(meta, forKey: .meta) } else { try c.encodeNil(forKey: .meta) }
            try c.encode(numUses, forKey: .numUses)
            try c.encode(orphan, forKey: .orphan)
            try c.encode(path, forKey: .path)
            try c.encodeIfPresent(period, forKey: .period)
            try c.encode(policies, forKey: .policies)
            try c.encode(renewable, forKey: .renewable)
            try c.encode(ttl, forKey: .ttl)
            try c.encode(type, forKey: .type)
        }

        /// `id` is the token itself: only shown to a caller who sent it (lookup, lookup-self).
        init(_ entry: TokenEntry, id: String, now: Date) {
            accessor = entry.accessor
            creationTime = Int64(entry.creationTime.timeIntervalSince1970)
            creationTtl = entry.ttl
            displayName = entry.displayName
            expireTime = entry.expireTime.map(Self.rfc3339)
            explicitMaxTtl = entry.explicitMaxTTL
            self.id = id
            issueTime = Self.rfc3339(entry.creationTime)
            lastRenewal = entry.lastRenewalTime.map(Self.rfc3339)
            lastRenewalTime = entry.lastRenewalTime.map { Int64($0.timeIntervalSince1970) }
            meta = entry.meta.isEmpty ? nil : entry.meta
            numUses = entry.numUses
            orphan = entry.isOrphan
            path = entry.path
            period = entry.period > 0 ? entry.period : nil
            policies = entry.policies
            renewable = entry.renewable && entry.expireTime != nil
            ttl = entry.remainingTTL(at: now)
        }

        static func rfc3339(_ date: Date) -> String { TimestampFormat.milliseconds(date) }
    }

    struct TokenParameter: Decodable { var token: String? }
    struct AccessorParameter: Decodable { var accessor: String? }

    /// `lookup`: POST with `token`; a GET without one looks up the caller (as Vault).
    func lookup(_ request: LogicalRequest) async throws -> LogicalResponse {
        try SystemBackend.require(request, [.read, .update, .create])
        let token = try request.decode(TokenParameter.self).token ?? ""
        if token.isEmpty, request.operation == .read { return try await lookupSelf(request) }
        let given = try Self.requiredString(token, name: "token")
        guard let entry = try await tokens.lookup(given) else { throw CustosError(.permissionDenied, "bad token") }
        return LogicalResponse(data: LookupData(entry, id: given, now: tokens.clock.now))
    }

    func lookupSelf(_ request: LogicalRequest) async throws -> LogicalResponse {
        try SystemBackend.require(request, [.read, .update, .create])
        let token = request.clientToken ?? ""
        // A use-limited token is re-read: this request used one of its uses, and on its last use
        // Vault shows `num_uses` -1. Any other entry is as authorisation just read it.
        let entry = caller.entry.numUses == 0 ? caller.entry : (try await tokens.storedEntry(token) ?? caller.entry)
        return LogicalResponse(data: LookupData(entry, id: token, now: tokens.clock.now))
    }

    func lookupAccessor(_ request: LogicalRequest) async throws -> LogicalResponse {
        try SystemBackend.require(request, [.update, .create])
        let accessor = try Self.requiredString(try request.decode(AccessorParameter.self).accessor, name: "accessor")
        guard let entry = try await tokens.lookup(accessor: accessor) else { throw CustosError.badRequest("invalid accessor") }
        return LogicalResponse(data: LookupData(entry, id: "", now: tokens.clock.now))
    }

    /// LIST `accessors` (sudo): every live token's accessor.
    func listAccessors(_ request: LogicalRequest) async throws -> LogicalResponse {
        try SystemBackend.require(request, [.list])
        return LogicalResponse(data: ["keys": try await tokens.accessors()])
    }
}
