import Foundation
import HCL

/// What Vault checks and rewrites in the label of a `path "<pattern>"` stanza when a policy is
/// written (facts checked against OpenBao 2.7.2).
enum PolicyPathSyntax {
    /// Policy paths start after the `/v1/` of the API path, so Vault drops one leading `/` (only
    /// one: `//a` stays `/a`, which no request path can match since requests lose theirs).
    static func normalized(_ written: String) -> String {
        written.hasPrefix("/") ? String(written.dropFirst()) : written
    }

    /// Whether the pattern holds identity templates (`{{identity.entity.id}}`). Throws when the
    /// braces do not pair up as Vault requires: no `}}` before the first `{{`, and exactly one
    /// `}}` after each `{{`.
    static func isTemplated(_ pattern: String, at position: HCLPosition) throws -> Bool {
        let pieces = pattern.components(separatedBy: "{{")
        let unbalanced = PolicyError(
            .invalidPattern,
            "path \"\(pattern)\": failed to validate policy templating: unbalanced templating characters",
            at: position)
        if pieces.first?.contains("}}") == true { throw unbalanced }
        for piece in pieces.dropFirst() where piece.components(separatedBy: "}}").count != 2 {
            throw unbalanced
        }
        return pieces.count > 1
    }

    /// `*` is a glob only as the last character; anywhere else Vault matches it literally.
    static func hasLiteralStar(_ pattern: String) -> Bool {
        pattern.dropLast().contains("*")
    }

    /// `+*` would be a segment wildcard and a glob at once; Vault refuses it.
    static func checkWildcards(_ pattern: String, at position: HCLPosition) throws {
        if pattern.contains("+*") {
            throw PolicyError(
                .invalidPattern, "path \"\(pattern)\": invalid use of wildcards ('+*' is forbidden)", at: position)
        }
    }

    static func literalStarWarning(_ pattern: String) -> String {
        "path \"\(pattern)\": '*' is a wildcard only as the last character; elsewhere it matches a literal '*'"
    }

    static func templateWarning(_ pattern: String) -> String {
        "path \"\(pattern)\": templated paths match nothing here: Custos tokens have no identity entity or groups"
    }
}
