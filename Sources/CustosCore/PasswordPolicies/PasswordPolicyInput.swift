// What the project's HCL decoder fills in from a policy document. Everything is
// optional or loosely typed so that *all* mistakes surface here as problems
// with messages, instead of as decoder failures.
//
// Invalid UTF-8 cannot reach this type (Swift strings are always valid); Vault
// answers "invalid UTF8 string" for it, so the decoder should refuse such
// bytes itself.

package struct PasswordPolicyInput: Sendable, Equatable {
    /// One `rule "<type>" { ... }` block.
    package struct Rule: Sendable, Equatable {
        /// The block label; only "charset" is valid.
        package var type: String
        /// `charset = "..."`, nil when absent.
        package var charset: String?
        /// `min-chars = N`, nil when absent (Vault then uses 0).
        package var minChars: Int64?

        package init(type: String, charset: String?, minChars: Int64?) {
            self.type = type
            self.charset = charset
            self.minChars = minChars
        }
    }

    /// `length = N`, nil when absent.
    package var length: Int64?
    /// Rule blocks in document order (messages number them from 1).
    package var rules: [Rule]

    package init(length: Int64?, rules: [Rule]) {
        self.length = length
        self.rules = rules
    }
}

extension PasswordPolicy {
    /// The only rule type Vault registers (sdk/helper/random/registry.go).
    package static let charsetRuleType = "charset"

    /// Validates decoded input; all problems are reported together.
    package init(_ input: PasswordPolicyInput) throws(PasswordPolicyError) {
        var validator = PolicyValidator()
        // Clamping keeps huge Int64 values out of range instead of trapping
        // (only matters on 32-bit; elsewhere Int is Int64).
        let length = input.length.map { Int(clamping: $0) }
        validator.check(length: length)

        var rules: [CharsetRule] = []
        for (offset, raw) in input.rules.enumerated() {
            let number = offset + 1
            guard raw.type == Self.charsetRuleType else {
                validator.add(.unknownRuleType(rule: number, type: raw.type))
                continue
            }
            guard let charset = raw.charset else {
                validator.add(.missingCharset(rule: number))
                continue
            }
            let rule = CharsetRule(charset: charset, minChars: Int(clamping: raw.minChars ?? 0))
            validator.check(rule: rule, number: number)
            rules.append(rule)
        }

        validator.finish(ruleCount: input.rules.count, length: length)
        try validator.throwIfInvalid()
        // Validation passed, so length is present and in range.
        self.init(unchecked: length ?? Self.minLength, rules: rules)
    }
}
