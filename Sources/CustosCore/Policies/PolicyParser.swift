import HCL

/// Parses an ACL policy written in HCL or JSON (Vault's policy language) into a `Policy`,
/// accepting and reading the same texts as OpenBao 2.7.2.
///
/// Throws `HCLError` for malformed text, `PolicyError` for a wrong shape or content Custos
/// refuses (unknown key or capability, unbalanced template, bad duration). Both carry the line
/// and column of the offending item.
package enum PolicyParser {
    /// Rules plus the remarks a policy write answers with (the text is accepted as it is).
    package struct Output: Sendable, Equatable {
        package var rules: [PathRule]
        package var warnings: [String]
    }

    static let topLevelKeys: Set<String> = ["name", "path"]

    package static func parse(name: String, text: String) throws -> Policy {
        let normalizedName = Policy.normalizedName(name)
        guard !normalizedName.isEmpty else { throw PolicyError(.invalidName, "policy name is empty") }
        // The name alone makes an ACL grant everything, so no text may ever become "root".
        guard normalizedName != BuiltinPolicies.root.name else {
            throw PolicyError(.invalidName, "the root policy is built in and cannot be written")
        }
        return Policy(name: normalizedName, rules: try parseRules(text).rules, raw: text)
    }

    /// The rules of a policy text, whatever its name.
    package static func parseRules(_ text: String) throws -> Output {
        var document = try HCLDocument.parse(text)
        // Vault only ever sees HCL 1's folded reading of JSON; it decides which shapes are valid.
        if HCLDocument.isJSON(text) { document = document.flattenedLikeHCL1JSON() }
        for item in document.items where !topLevelKeys.contains(item.keys.first ?? "") {
            throw PolicyError(.invalidKey, "invalid key \"\(item.keys.first ?? "")\"", at: item.position)
        }
        var output = Output(rules: [], warnings: [])
        for item in document.items where item.keys.first == "path" {
            try parseStanza(item, into: &output)
        }
        return output
    }

    /// `path "a" { ... }` in any spelling that folds to keys `["path", "a", ...]` and a block
    /// body. As in Vault, labels after the first are ignored, and a stanza without one
    /// (`path { ... }`) is a rule for the literal path "path".
    private static func parseStanza(_ item: HCLItem, into output: inout Output) throws {
        let written = item.keys.count > 1 ? item.keys[1] : "path"
        guard case .object(let body) = item.value else {
            throw PolicyError(
                .invalidRule, "path \"\(written)\": expected a block { ... }, got \(item.value.kindDescription)",
                at: item.valuePosition)
        }
        let isTemplated = try PolicyPathSyntax.isTemplated(written, at: item.position)
        let pattern = PolicyPathSyntax.normalized(written)
        try PolicyPathSyntax.checkWildcards(pattern, at: item.position)
        let rule = try PolicyRuleDecoder(pattern: pattern, body: body).decode()
        if PolicyPathSyntax.hasLiteralStar(pattern) {
            output.warnings.append(PolicyPathSyntax.literalStarWarning(pattern))
        }
        if isTemplated {
            output.warnings.append(PolicyPathSyntax.templateWarning(pattern))
        }
        output.rules.append(rule)
    }
}
