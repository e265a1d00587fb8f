import CustosJSON
import Foundation

/// How one device writes entries: JSON (or JSONx) lines, with or without a prefix, secrets
/// HMAC-ed with the device's salt unless `log_raw` is set.
struct AuditFormatter: Sendable {
    enum Format: String, Sendable {
        case json, jsonx
    }

    var hasher: AuditHasher
    var format: Format = .json
    var prefix: String = ""
    /// `log_raw`: every value in clear. For debugging only; the log then holds secrets.
    var logRaw = false
    /// `hmac_accessor`: token accessors HMAC-ed (Vault's default). Off, an admin can revoke the
    /// token straight from the log.
    var hmacAccessor = true

    /// One line, newline included.
    func line(for entry: AuditEntry) -> [UInt8] {
        var writer = AuditJSONWriter()
        // The token and accessor appear in both the auth and the request block: hashed once.
        var memo: [String: String] = [:]
        write(entry, to: &writer, memo: &memo)
        var line = Array(prefix.utf8)
        switch format {
        case .json:
            line.append(contentsOf: writer.bytes)
        case .jsonx:
            let value = (try? JSONDecoder().decode(JSONValue.self, from: Data(writer.bytes))) ?? .object([:])
            line.append(contentsOf: AuditJSONx.document(value).utf8)
        }
        line.append(UInt8(ascii: "\n"))
        return line
    }

    private func secret(_ value: String, _ memo: inout [String: String]) -> String {
        if logRaw { return value }
        if let known = memo[value] { return known }
        let hashed = hasher.hash(value)
        memo[value] = hashed
        return hashed
    }

    private func accessor(_ value: String, _ memo: inout [String: String]) -> String {
        logRaw || !hmacAccessor ? value : secret(value, &memo)
    }

    /// Request or response data, every string HMAC-ed on the way out (as `AuditHasher.hash`
    /// would, without building a hashed copy first); a string directly under a key in
    /// `clearKeys` stays in clear.
    private func writeData(_ value: JSONValue, clearKeys: Set<String>, to w: inout AuditJSONWriter) {
        w.value(value) { text, key in
            logRaw || key.map(clearKeys.contains) == true ? text : hasher.hash(text)
        }
    }

    private func write(_ entry: AuditEntry, to w: inout AuditJSONWriter, memo: inout [String: String]) {
        w.beginObject()
        w.key("time"); w.string(AuditTime.nanoseconds(entry.time))
        w.key("type"); w.string(entry.kind.rawValue)
        if let auth = entry.auth {
            w.key("auth"); write(auth, to: &w, memo: &memo)
        }
        w.key("request"); write(entry.request, to: &w, memo: &memo)
        if let response = entry.response {
            w.key("response"); write(response, to: &w, memo: &memo)
        }
        if let error = entry.error, !error.isEmpty {
            w.key("error"); w.string(error)
        }
        w.endObject()
    }

    private func write(_ auth: AuditAuth, to w: inout AuditJSONWriter, memo: inout [String: String]) {
        w.beginObject()
        if let token = auth.clientToken, !token.isEmpty { w.key("client_token"); w.string(secret(token, &memo)) }
        if let value = auth.accessor, !value.isEmpty { w.key("accessor"); w.string(accessor(value, &memo)) }
        if let name = auth.displayName, !name.isEmpty { w.key("display_name"); w.string(name) }
        if let policies = auth.policies, !policies.isEmpty { w.key("policies"); w.strings(policies) }
        if let policies = auth.tokenPolicies, !policies.isEmpty { w.key("token_policies"); w.strings(policies) }
        if let allowed = auth.allowed {
            w.key("policy_results"); w.beginObject(); w.key("allowed"); w.bool(allowed); w.endObject()
        }
        if let metadata = auth.metadata, !metadata.isEmpty { w.key("metadata"); w.value(.object(metadata.mapValues { .string($0) })) }
        if let entity = auth.entityID, !entity.isEmpty { w.key("entity_id"); w.string(entity) }
        w.key("token_type"); w.string(auth.tokenType)
        if let ttl = auth.tokenTTL, ttl != 0 { w.key("token_ttl"); w.int(ttl) }
        if let issued = auth.tokenIssueTime { w.key("token_issue_time"); w.string(AuditTime.seconds(issued)) }
        w.endObject()
    }

    private func write(_ mount: AuditMount?, to w: inout AuditJSONWriter) {
        guard let mount else { return }
        w.key("mount_point"); w.string(mount.point)
        w.key("mount_type"); w.string(mount.type)
        if let accessor = mount.accessor { w.key("mount_accessor"); w.string(accessor) }
    }

    private func write(_ request: AuditRequest, to w: inout AuditJSONWriter, memo: inout [String: String]) {
        w.beginObject()
        w.key("id"); w.string(request.id)
        w.key("operation"); w.string(request.operation.rawValue)
        write(request.mount, to: &w)
        if let token = request.clientToken, !token.isEmpty { w.key("client_token"); w.string(secret(token, &memo)) }
        if let value = request.clientTokenAccessor, !value.isEmpty { w.key("client_token_accessor"); w.string(accessor(value, &memo)) }
        w.key("namespace"); w.beginObject(); w.key("id"); w.string("root"); w.endObject()
        w.key("path"); w.string(request.path)
        if let values = request.data, !values.isEmpty { w.key("data"); writeData(.object(values), clearKeys: [], to: &w) }
        if let address = request.remoteAddress, !address.isEmpty { w.key("remote_address"); w.string(address) }
        if let port = request.remotePort, port != 0 { w.key("remote_port"); w.int(Int64(port)) }
        w.endObject()
    }

    private func write(_ response: AuditResponse, to w: inout AuditJSONWriter, memo: inout [String: String]) {
        w.beginObject()
        if let auth = response.auth { w.key("auth"); write(auth, to: &w, memo: &memo) }
        write(response.mount, to: &w)
        if let lease = response.leaseID, !lease.isEmpty {
            w.key("secret"); w.beginObject(); w.key("lease_id"); w.string(lease); w.endObject()
        }
        if let values = response.data, values != .null, values != .object([:]) {
            w.key("data"); writeData(values, clearKeys: response.clearKeys, to: &w)
        }
        if !response.warnings.isEmpty { w.key("warnings"); w.strings(response.warnings) }
        w.endObject()
    }
}

/// Timestamps as Vault writes them: RFC 3339 in UTC, entry times with their fraction.
enum AuditTime {
    static func nanoseconds(_ date: Date) -> String {
        let interval = date.timeIntervalSince1970
        var seconds = interval.rounded(.down)
        var micros = Int(((interval - seconds) * 1_000_000).rounded())
        if micros >= 1_000_000 { seconds += 1; micros -= 1_000_000 }
        var text = civil(Int(seconds))
        if micros > 0 {
            var fraction = String(micros)
            fraction = String(repeating: "0", count: 6 - fraction.count) + fraction
            while fraction.hasSuffix("0") { fraction.removeLast() }
            text += "." + fraction
        }
        return text + "Z"
    }

    static func seconds(_ date: Date) -> String {
        civil(Int(date.timeIntervalSince1970.rounded(.down))) + "Z"
    }

    private static func civil(_ epoch: Int) -> String {
        var time = time_t(epoch)
        var parts = tm()
        gmtime_r(&time, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))"
    }
}
