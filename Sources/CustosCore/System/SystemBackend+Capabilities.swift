import CustosJSON
import Foundation

extension SystemBackend {
    struct CapabilitiesParameters: Decodable {
        /// Vault reads `token` only when it is a string; anything else counts as no token.
        var token: String?
        var accessor: String?
        var path: CapabilityPathList?
        var paths: CapabilityPathList?

        enum CodingKeys: String, CodingKey { case token, accessor, path, paths }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            token = try? c.decodeIfPresent(String.self, forKey: .token)
            accessor = try c.decodeIfPresent(String.self, forKey: .accessor)
            path = try c.decodeIfPresent(CapabilityPathList.self, forKey: .path)
            paths = try c.decodeIfPresent(CapabilityPathList.self, forKey: .paths)
        }
    }

    /// Vault's answer: one key per distinct path, plus `capabilities` when a single path was asked.
    struct CapabilitiesAnswer: Encodable {
        var byPath: [String: [String]]
        var single: [String]?

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: DynamicKey.self)
            for (path, names) in byPath { try c.encode(names, forKey: DynamicKey(path)) }
            if let single { try c.encode(single, forKey: DynamicKey("capabilities")) }
        }
    }

    /// `sys/capabilities` (any token, by `token`), `-self` (the caller) and `-accessor`; nil for
    /// other paths. Checks come in Vault's order, with its messages and statuses.
    func capabilitiesPath(_ request: LogicalRequest, caller: RequestCaller, runtime: Runtime) async throws -> LogicalResponse? {
        let kind = request.path
        guard ["sys/capabilities", "sys/capabilities-self", "sys/capabilities-accessor"].contains(kind) else { return nil }
        try Self.require(request, [.update, .create])
        let params = try request.decode(CapabilitiesParameters.self)
        let subject: CapabilitiesSubject
        switch kind {
        case "sys/capabilities-self":
            subject = .entry(caller.entry)
        case "sys/capabilities":
            // Vault's message, but a 400: Vault answers this client mistake with a 500, and Custos
            // answers bad input with a client error.
            guard let token = params.token, !token.isEmpty else { throw CustosError(.badRequest, "no token found") }
            subject = .token(token)
        default:
            guard let accessor = params.accessor, !accessor.isEmpty else {
                throw CustosError.badRequest("missing accessor")
            }
            guard let found = try await runtime.tokens.lookup(accessor: accessor) else {
                throw CustosError.badRequest("invalid accessor")
            }
            subject = .entry(found)
        }
        // `paths` when it names any, else the older `path`.
        let paths = params.paths.flatMap { $0.values.isEmpty ? nil : $0.values } ?? params.path?.values ?? []
        guard !paths.isEmpty else { throw CustosError.badRequest("paths must be supplied") }

        // The token is looked up at the first path, so an empty first path is reported before it.
        var acl: ACL?
        var byPath: [String: [String]] = [:]
        for path in paths {
            guard !path.isEmpty else { throw CustosError.badRequest("missing path") }
            let current: ACL
            if let acl {
                current = acl
            } else {
                current = try await runtime.policies.acl(for: try await subject.entry(runtime).policies)
                acl = current
            }
            byPath[path] = current.capabilityNames(on: path)
        }
        let single = paths.count == 1 ? paths.first.flatMap { byPath[$0] } : nil
        return LogicalResponse(data: CapabilitiesAnswer(byPath: byPath, single: single), shape: .envelopeWithTopLevelData)
    }
}

/// Whose capabilities `sys/capabilities*` reports.
enum CapabilitiesSubject {
    case entry(TokenEntry)
    case token(String)

    func entry(_ runtime: Runtime) async throws -> TokenEntry {
        switch self {
        case .entry(let entry): return entry
        case .token(let token):
            guard let found = try await runtime.tokens.lookup(token) else { throw CustosError.badRequest("invalid token") }
            return found
        }
    }
}

/// The `path`/`paths` of `sys/capabilities` as Vault reads a comma-separated string list: a
/// string is split on commas, a number is its text, a list is taken element by element; every
/// element is trimmed, and empty ones are kept (Vault answers them with "missing path").
struct CapabilityPathList: Decodable, Sendable {
    var values: [String]

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let list = try? c.decode([JSONValue].self) {
            values = try list.map { element in
                guard let text = Self.text(of: element) else {
                    throw DecodingError.typeMismatch(
                        [String].self,
                        .init(codingPath: decoder.codingPath, debugDescription: "expected a list of paths"))
                }
                return text.trimmingCharacters(in: .whitespacesAndNewlines)
            }
        } else if let single = try? c.decode(JSONValue.self), let text = Self.text(of: single) {
            values = text.isEmpty
                ? [] : text.split(separator: ",", omittingEmptySubsequences: false).map {
                    $0.trimmingCharacters(in: .whitespacesAndNewlines)
                }
        } else {
            throw DecodingError.typeMismatch(
                [String].self, .init(codingPath: decoder.codingPath, debugDescription: "expected a list of paths"))
        }
    }

    private static func text(of value: JSONValue) -> String? {
        switch value {
        case .string(let text): text
        case .int(let number): String(number)
        case .double(let number): String(number)
        default: nil
        }
    }
}

/// A JSON key chosen at run time (paths as keys).
struct DynamicKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
