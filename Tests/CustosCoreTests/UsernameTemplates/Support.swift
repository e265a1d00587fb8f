import CustosJSON
import Foundation
import SeededRandom
import Testing
@testable import CustosCore

/// Returns scripted 64-bit words in order, then repeats the last one, so tests
/// can pin exactly which bytes `random` and `uuid` see.
struct ScriptedRandom: RandomNumberGenerator, Sendable {
    var words: [UInt64]
    var index = 0

    init(words: [UInt64]) { self.words = words }

    /// Packs bytes little-endian, eight per word, the order `random` consumes them.
    init(bytes: [UInt8]) {
        var words: [UInt64] = []
        var index = 0
        while index < bytes.count {
            var word: UInt64 = 0
            for offset in 0..<8 where index + offset < bytes.count {
                word |= UInt64(bytes[index + offset]) << (8 * UInt64(offset))
            }
            words.append(word)
            index += 8
        }
        self.init(words: words.isEmpty ? [0] : words)
    }

    /// Bytes that `random` turns into `text` (letters and digits only).
    init(base62 text: String) {
        let charset = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        self.init(bytes: text.map { UInt8(charset.firstIndex(of: $0) ?? 0) })
    }

    mutating func next() -> UInt64 {
        guard !words.isEmpty else { return 0 }
        let word = words[min(index, words.count - 1)]
        index += 1
        return word
    }
}

enum Fixtures {
    /// The instant Vault's username-templating docs assume: 2009-02-13 23:31:30 UTC.
    static let docsTime = Date(timeIntervalSince1970: 1_234_567_890)

    /// The field values of the docs' examples.
    static let docsData = ["DisplayName": "token-with-display-name", "RoleName": "my_custom_database_role"]

    /// The docs' "random characters are the ordered english alphabet".
    static var docsContext: UsernameTemplate.Context {
        UsernameTemplate.Context(data: docsData, now: docsTime, random: ScriptedRandom(base62: "abcdefghijklmnopqrstuvwxyz"))
    }

    static func context(
        _ data: [String: String] = docsData,
        now: Date = docsTime,
        zone: UsernameTemplate.Zone = .utc,
        random: any RandomNumberGenerator & Sendable = SplitMix64(seed: 42)
    ) -> UsernameTemplate.Context {
        UsernameTemplate.Context(data: data, now: now, timeZone: zone, random: random)
    }
}

/// Parses and renders in one step.
func render(
    _ text: String, _ context: UsernameTemplate.Context = Fixtures.docsContext
) throws(UsernameTemplateError) -> String {
    try UsernameTemplate(text).render(context)
}

/// The error a template raises, whether at parse or at render time.
func failure(_ text: String, _ context: UsernameTemplate.Context = Fixtures.docsContext) -> UsernameTemplateError? {
    do {
        _ = try render(text, context)
        return nil
    } catch {
        return error
    }
}

/// The error parsing alone raises.
func parseFailure(_ text: String) -> UsernameTemplateError? {
    do {
        _ = try UsernameTemplate(text)
        return nil
    } catch {
        return error
    }
}
