// Errors are values with a client-facing message: the server answers 400 with
// `message` for validation problems (and 500 for `generationFailed` on a
// stored policy, as Vault does). Every problem is collected, not just the
// first, mirroring Vault's multierror so one round trip shows all mistakes.
//
// Where Vault has a message the wording is Vault's; a detail in parentheses is
// added only where Vault's text does not say which rule or character is wrong.
// No message ever contains a generated password or candidate.

package struct PasswordPolicyError: Error, Sendable, Equatable, CustomStringConvertible {
    package enum Problem: Sendable, Equatable {
        /// The input had no `length` (Vault reads it as 0 and refuses).
        case missingLength
        /// Outside `PasswordPolicy.minLength ... maxLength`.
        case lengthOutOfRange(Int)
        /// No rule at all, so no alphabet.
        case noRules
        /// `rule "<type>"` other than `charset` (case-sensitive, like Vault).
        /// `rule` is the 1-based position of the block in the policy.
        case unknownRuleType(rule: Int, type: String)
        /// A charset rule without a `charset` key.
        case missingCharset(rule: Int)
        /// `charset = ""`: the rule would contribute nothing (Vault accepts it
        /// but such a rule with min-chars > 0 can never pass).
        case emptyCharset(rule: Int)
        /// Vault reads a negative minimum as 0; refusing it is clearer.
        case negativeMinChars(rule: Int, minChars: Int)
        /// First character in the rule's charset that Go's `unicode.IsPrint`
        /// would reject; `scalar` is its code point.
        case nonPrintableCharacter(rule: Int, scalar: UInt32)
        /// The union of all charsets has more than `maxAlphabetSize` characters.
        case charsetTooLong(count: Int)
        /// The sum of min-chars exceeds length (`required` saturates, never traps).
        case minCharsExceedLength(required: Int, length: Int)
        /// Write-time check: every trial generation failed.
        case impossible
        /// Write-time check: some trial generations failed.
        case tooRestrictive(failed: Int, trials: Int)
        /// `generate` found no candidate meeting the rules within its budget.
        case generationFailed(attempts: Int)

        package var message: String {
            switch self {
            case .missingLength:
                "missing length: passwords must be between \(PasswordPolicy.minLength) and \(PasswordPolicy.maxLength) characters"
            case .lengthOutOfRange:
                "passwords must be between \(PasswordPolicy.minLength) and \(PasswordPolicy.maxLength) characters"
            case .noRules:
                "no charset specified: at least one charset rule is required"
            case let .unknownRuleType(rule, type):
                "unrecognized rule type \"\(type)\" (rule \(rule)): only \"charset\" is supported"
            case let .missingCharset(rule):
                "rule \(rule): missing charset"
            case let .emptyCharset(rule):
                "rule \(rule): charset must not be empty"
            case let .negativeMinChars(rule, minChars):
                "rule \(rule): min-chars must be >= 0, got \(minChars)"
            case let .nonPrintableCharacter(rule, scalar):
                "non-printable character in charset (rule \(rule): \(Self.codePoint(scalar)))"
            case let .charsetTooLong(count):
                "charset is too long: limited to \(PasswordPolicy.maxAlphabetSize) characters (rules use \(count) distinct characters)"
            case let .minCharsExceedLength(required, length):
                "specified rules require at least \(required) characters but \(length) is specified"
            case .impossible:
                "unable to generate password from provided policy: are the rules impossible?"
            case let .tooRestrictive(failed, trials):
                "failed to generate passwords \(failed) times out of \(trials) attempts - is the policy too restrictive?"
            case let .generationFailed(attempts):
                "unable to generate password within the allowed attempts (\(attempts))"
            }
        }

        /// `U+0007` style, at least four hex digits.
        private static func codePoint(_ value: UInt32) -> String {
            let hex = String(value, radix: 16, uppercase: true)
            return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        }
    }

    /// Never empty: only `PolicyValidator.throwIfInvalid` builds a list, and
    /// only when it has something in it.
    package let problems: [Problem]

    init(_ problems: [Problem]) {
        self.problems = problems
    }

    init(_ problem: Problem) {
        self.problems = [problem]
    }

    /// What the HTTP layer sends back.
    package var message: String {
        problems.map(\.message).joined(separator: "; ")
    }

    package var description: String { message }
}
