import Foundation
import SeededRandom
import Testing
@testable import CustosCore

/// Mutated and truncated templates must either throw a `UsernameTemplateError`
/// or render; a trap (crash) fails the whole test run. The mutations are seeded
/// so a failure reproduces.
@Suite("username template robustness")
struct UsernameTemplateRobustnessTests {
    static let seeds: [String] = [
        UsernameTemplate.Defaults.postgreSQL,
        UsernameTemplate.Defaults.redshift,
        UsernameTemplate.Defaults.mySQLLegacy,
        #"FOO_{{.DisplayName | replace "-" "_" | uppercase}}_{{timestamp "2006_01_02T15_04_05.000Z07:00" | replace "-" "_"}}"#,
        #"{{printf "v_%s_%s_%s_%s" (.DisplayName | truncate 8) (.RoleName | truncate 8) (random 20) (unix_time) | truncate 45}}"#,
        "a {{- /* comment */ -}} b {{ .RoleName | truncate_sha256 12 | sha256 | base64 }} {{uuid}} {{unix_time_millis}}",
        #"{{ printf "%[2]*[1]d|%-8.3s|%+05d|%%|%v" 2 5 "abcdef" -42 `raw\n` }}"#,
        "{{ 0x1F | printf \"%d\" }}{{ -017 }}{{ \"\\x41\\u00e9\\U0001F600\" | lowercase }}",
        "ünï {{ .Имя | uppercase }} {{ (((.RoleName | truncate 3))) }}",
    ]

    /// Fragments that tend to break lexers: delimiters, quotes, escapes, numbers, odd scalars.
    static let fragments: [String] = [
        "{{", "}}", "{{-", "-}}", " - ", "(", ")", "|", "\"", "`", "\\", "\\x", "\\u", "\\U0010FFFF", "'",
        "/*", "*/", ".", ".RoleName", ".Nope", "$", ":=", "0x", "0b2", "1e", "9999999999999999999999", "-9223372036854775808", "%*d", "%.*d", "-",
        "+", "_", "random", "random 99999", "truncate", "truncate 0", "printf", "\"%", "%*d", "%[", "uuid",
        "timestamp", "replace \"\" \"xx\"", "base64", "if", "end", "nil", "true", " ", "\n", "\t", "\r",
        "\u{0}", "é", "😀", "\u{FFFD}", "\u{301}", "日本",
    ]

    @Test("thousands of mutated templates throw or render, never trap")
    func mutations() {
        var generator = SplitMix64(seed: 0xC0DE)
        let data = ["DisplayName": "token-with-display-name", "RoleName": "my_custom_database_role", "Имя": "иван"]
        var parsed = 0
        var rendered = 0
        // USERNAME_TEMPLATE_FUZZ_ITERATIONS raises the count for a longer local run.
        let iterations = ProcessInfo.processInfo.environment["USERNAME_TEMPLATE_FUZZ_ITERATIONS"].flatMap(Int.init) ?? 6000
        for iteration in 0..<iterations {
            var text = Array(Self.seeds[iteration % Self.seeds.count].unicodeScalars)
            let mutationCount = 1 + Int(generator.next() % 4)
            for _ in 0..<mutationCount {
                mutate(&text, using: &generator)
            }
            var view = String.UnicodeScalarView()
            view.append(contentsOf: text)
            let template = String(view)
            do {
                let parsedTemplate = try UsernameTemplate(template)
                parsed += 1
                let context = UsernameTemplate.Context(
                    data: data, now: Fixtures.docsTime, random: SplitMix64(seed: UInt64(iteration))
                )
                do {
                    _ = try parsedTemplate.render(context)
                    rendered += 1
                } catch {
                    // Everything static was checked at parse time; with every field
                    // supplied, rendering can only hit a limit, a dynamic printf
                    // format, or an unusable field.
                    let allowed: Set<UsernameTemplateError.Code> = [.limitExceeded, .unsupported, .unknownField]
                    #expect(allowed.contains(error.code), "\(template): \(error)")
                }
            } catch {
                #expect(!error.message.isEmpty)
            }
        }
        // The corpus must exercise both paths, or the test proves little.
        #expect(parsed > 200)
        #expect(rendered > 200)
    }

    @Test("every prefix of every seed template throws or renders")
    func truncations() {
        for seed in Self.seeds {
            let scalars = Array(seed.unicodeScalars)
            for length in 0...scalars.count {
                var view = String.UnicodeScalarView()
                view.append(contentsOf: scalars[0..<length])
                let text = String(view)
                if let template = try? UsernameTemplate(text) {
                    _ = try? template.render(Fixtures.context(["DisplayName": "d", "RoleName": "r", "Имя": "и"]))
                }
            }
        }
    }

    @Test("random byte soup, including invalid UTF-8 repaired by String, never traps")
    func byteSoup() {
        var generator = SplitMix64(seed: 99)
        let alphabet = Array("{}()|\"`\\-. 0123456789abcdefxXuU%*[]$:=/'\n".utf8) + [0xC3, 0xA9, 0xFF, 0xE2, 0x82]
        for _ in 0..<3000 {
            let length = Int(generator.next() % 40)
            var bytes: [UInt8] = []
            for _ in 0..<length {
                bytes.append(alphabet[Int(generator.next() % UInt64(alphabet.count))])
            }
            let text = "{{" + String(decoding: bytes, as: UTF8.self)
            if let template = try? UsernameTemplate(text) {
                _ = try? template.render(Fixtures.context())
            }
        }
    }

    private func mutate(_ text: inout [Unicode.Scalar], using generator: inout SplitMix64) {
        func index(_ upper: Int) -> Int { upper <= 0 ? 0 : Int(generator.next() % UInt64(upper)) }
        switch generator.next() % 6 {
        case 0:  // delete a range
            guard !text.isEmpty else { return }
            let start = index(text.count)
            let end = min(text.count, start + 1 + index(6))
            text.removeSubrange(start..<end)
        case 1:  // insert a fragment
            let fragment = Self.fragments[index(Self.fragments.count)]
            text.insert(contentsOf: Array(fragment.unicodeScalars), at: index(text.count + 1))
        case 2:  // duplicate a range
            guard !text.isEmpty else { return }
            let start = index(text.count)
            let end = min(text.count, start + 1 + index(12))
            text.insert(contentsOf: Array(text[start..<end]), at: index(text.count + 1))
        case 3:  // swap two scalars
            guard text.count > 1 else { return }
            text.swapAt(index(text.count), index(text.count))
        case 4:  // cut the end off
            text.removeLast(index(text.count + 1))
        default:  // replace one scalar with a random ASCII one
            guard !text.isEmpty else { return }
            text[index(text.count)] = Unicode.Scalar(UInt8(32 + index(95)))
        }
    }
}
