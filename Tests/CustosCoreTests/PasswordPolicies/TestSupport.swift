import SeededRandom
import Testing
@testable import CustosCore

/// How many characters of `password` belong to `rule` (scalar-wise, like Vault).
func count(of rule: CharsetRule, in password: String) -> Int {
    let members = Set(rule.charset.unicodeScalars)
    return password.unicodeScalars.filter { members.contains($0) }.count
}

/// Builds a policy that must be valid; a test fails loudly otherwise.
func policy(_ length: Int, _ rules: [(String, Int)]) throws(PasswordPolicyError) -> PasswordPolicy {
    try PasswordPolicy(length: length, rules: rules.map { CharsetRule(charset: $0.0, minChars: $0.1) })
}

/// Runs `body` expecting a policy error; returns its problems (empty if none was thrown).
/// Untyped `throws` because closures do not infer typed throws yet.
func problems(_ body: () throws -> Void) -> [PasswordPolicyError.Problem] {
    do {
        try body()
        return []
    } catch let error as PasswordPolicyError {
        return error.problems
    } catch {
        Issue.record("unexpected error type: \(error)")
        return []
    }
}

/// Printable ASCII (space through tilde), as one-scalar strings.
let printableASCII: [Unicode.Scalar] = (0x20...0x7E).compactMap(Unicode.Scalar.init)

/// Non-ASCII characters Go's unicode.IsPrint accepts (letters, marks, symbols, emoji).
let printableUnicode: [Unicode.Scalar] = ["é", "ß", "ø", "Ω", "ж", "日", "本", "€", "✓", "\u{301}", "🙂", "\u{1F3FD}"]

/// Characters Go's unicode.IsPrint rejects: controls, format, other spaces,
/// private use, unassigned.
let nonPrintable: [Unicode.Scalar] = [
    "\u{0}", "\u{7}", "\t", "\n", "\r", "\u{7F}", "\u{85}", "\u{A0}", "\u{AD}",
    "\u{200B}", "\u{200D}", "\u{2028}", "\u{3000}", "\u{FEFF}", "\u{E000}", "\u{378}", "\u{10FFFF}",
]

extension RandomNumberGenerator {
    /// A random sample of `count` distinct elements (order random).
    mutating func sample<T>(_ pool: [T], count: Int) -> [T] {
        Array(pool.shuffled(using: &self).prefix(count))
    }
}

/// A structurally valid random policy: 1–4 rules over ASCII and some Unicode,
/// min-chars 0–3, length between the required minimum and 30 above it.
func randomValidPolicy(using rng: inout SplitMix64) throws -> PasswordPolicy {
    let pool = printableASCII + printableUnicode
    let ruleCount = Int.random(in: 1...4, using: &rng)
    var rules: [CharsetRule] = []
    for _ in 0..<ruleCount {
        let chars = rng.sample(pool, count: Int.random(in: 1...30, using: &rng))
        var charset = String.UnicodeScalarView()
        charset.append(contentsOf: chars)
        rules.append(CharsetRule(charset: String(charset), minChars: Int.random(in: 0...3, using: &rng)))
    }
    let required = max(PasswordPolicy.minLength, rules.reduce(0) { $0 + $1.minChars })
    let length = Int.random(in: required...min(PasswordPolicy.maxLength, required + 30), using: &rng)
    return try PasswordPolicy(length: length, rules: rules)
}
