// Write-time validation, shared by `init(length:rules:)` and `init(_: PasswordPolicyInput)`.
//
// Checks (Vault's, plus a few stricter ones noted in PasswordPolicyError):
//   - 4 <= length <= 100
//   - at least one rule; each charset present, non-empty, printable
//   - min-chars >= 0 and their sum <= length
//   - at most 256 distinct characters across all charsets
//
// Once these hold, a valid password always exists: each rule's minimum can be
// met in its own positions, since the minimums fit in the length. Whether one
// is *likely* enough to be found by rejection sampling is `checkGenerates`.

struct PolicyValidator {
    private(set) var problems: [PasswordPolicyError.Problem] = []
    /// Distinct characters seen so far, to size the alphabet.
    private var alphabet = Set<Unicode.Scalar>()
    /// Sum of min-chars, saturating at Int.max so hostile input cannot trap.
    private var requiredChars = 0

    mutating func add(_ problem: PasswordPolicyError.Problem) {
        problems.append(problem)
    }

    /// `nil` means the input had no length at all.
    mutating func check(length: Int?) {
        guard let length else {
            add(.missingLength)
            return
        }
        if length < PasswordPolicy.minLength || length > PasswordPolicy.maxLength {
            add(.lengthOutOfRange(length))
        }
    }

    /// `number` is the rule's 1-based position in the policy, for messages.
    mutating func check(rule: CharsetRule, number: Int) {
        let scalars = rule.charset.unicodeScalars
        if scalars.isEmpty {
            add(.emptyCharset(rule: number))
        }
        if let bad = scalars.first(where: { !Self.isPrintable($0) }) {
            add(.nonPrintableCharacter(rule: number, scalar: bad.value))
        }
        if rule.minChars < 0 {
            add(.negativeMinChars(rule: number, minChars: rule.minChars))
        } else {
            let (sum, overflow) = requiredChars.addingReportingOverflow(rule.minChars)
            requiredChars = overflow ? Int.max : sum
        }
        alphabet.formUnion(scalars)
    }

    /// Checks that need every rule; `ruleCount` counts all rule blocks, valid or
    /// not, so a policy whose only rule was rejected is not also told it has none.
    mutating func finish(ruleCount: Int, length: Int?) {
        if ruleCount == 0 {
            add(.noRules)
        }
        if alphabet.count > PasswordPolicy.maxAlphabetSize {
            add(.charsetTooLong(count: alphabet.count))
        }
        // Vault only compares when length > 0; a non-positive length is
        // already reported as out of range.
        if let length, length > 0, requiredChars > length {
            add(.minCharsExceedLength(required: requiredChars, length: length))
        }
    }

    func throwIfInvalid() throws(PasswordPolicyError) {
        if !problems.isEmpty { throw PasswordPolicyError(problems) }
    }

    /// Go's `unicode.IsPrint`, which Vault applies to the charset: letters,
    /// marks, numbers, punctuation, symbols, and the ASCII space. So controls,
    /// format characters (e.g. zero-width space/joiner), other spaces, private-use
    /// and unassigned code points are refused; accented letters, CJK, emoji are not.
    /// (Unicode versions of Go and Swift may differ on newly assigned characters.)
    static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == " " { return true }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .nonspacingMark, .spacingMark, .enclosingMark,
             .decimalNumber, .letterNumber, .otherNumber,
             .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation,
             .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
            return true
        default:
            return false
        }
    }
}
