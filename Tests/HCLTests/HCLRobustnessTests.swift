import SeededRandom
import Testing
@testable import HCL

/// Random mutations and truncations of valid documents must give a tree or an HCLError:
/// never a crash, a trap or a hang.
@Suite("HCL robustness")
struct HCLRobustnessTests {
    static let corpus: [String] = [
        HCLVaultExamplesTests.serverConfigHCL,
        HCLVaultExamplesTests.serverConfigJSON,
        HCLVaultExamplesTests.policyHCL,
        HCLVaultExamplesTests.policyJSON,
        #"""
        s = "esc \n \t \" \\ \u00e9 \U0001F600 ${x("y")}"
        h = <<EOF
        heredoc
        EOF
        i = <<-EOT
            indented
            EOT
        n = [-1, 0x1F, 1.5e-3, true, false, { a = [] }] /* c */ // d
        "q" "r" s { t = 1 }
        """#,
    ]

    /// Fragments likely to reach unusual lexer and parser states.
    static let fragments: [String] = [
        "{", "}", "[", "]", "\"", "\\", "\\u", "\\U0010FFFF", "\\ud83d", "=", ",", ":", "\n", "\r\n",
        "<<", "<<EOF\n", "<<-EOT\n", "EOF", "/*", "*/", "//", "#", "${", "-", "0x", "1e", ".5", "1.",
        "true", "null", "é", "😀", "\u{0}", "\u{FEFF}", " ", "\t", "path \"x\" {", "a =", "9223372036854775808",
    ]

    /// Parses; returns whether it succeeded. Anything but a tree or an HCLError fails the test.
    static func parsesOrFailsCleanly(_ text: String) -> Bool {
        do {
            let document = try HCLDocument.parse(text)
            // Decoding helpers must be just as robust on whatever tree came out.
            for name in ["path", "listener", "storage", "a"] {
                _ = try? document.blocks(named: name, labels: 1)
                _ = try? document.blocks(named: name, labels: 2)
            }
            return true
        } catch {
            #expect(error.position.line >= 1 && error.position.column >= 1)
            #expect(!error.message.isEmpty)
            return false
        }
    }

    @Test func everyTruncationOfEveryExample() {
        var parsed = 0, failed = 0
        for text in Self.corpus {
            let scalars = Array(text.unicodeScalars)
            for length in 0...scalars.count {
                var view = String.UnicodeScalarView()
                view.append(contentsOf: scalars[0..<length])
                if Self.parsesOrFailsCleanly(String(view)) { parsed += 1 } else { failed += 1 }
            }
        }
        // Both outcomes occur: truncations at item boundaries parse, most others do not.
        #expect(parsed > 10)
        #expect(failed > 1000)
    }

    @Test func thousandsOfRandomMutations() {
        var generator = SplitMix64(seed: 0xC05705)
        var parsed = 0, failed = 0
        for round in 0..<6000 {
            var scalars = Array(Self.corpus[round % Self.corpus.count].unicodeScalars)
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let index = Int.random(in: 0...scalars.count, using: &generator)
                switch Int.random(in: 0..<4, using: &generator) {
                case 0 where index < scalars.count:
                    let end = min(scalars.count, index + Int.random(in: 1...8, using: &generator))
                    scalars.removeSubrange(index..<end)
                case 1:
                    let fragment = Self.fragments.randomElement(using: &generator) ?? ""
                    scalars.insert(contentsOf: fragment.unicodeScalars, at: index)
                case 2 where index < scalars.count:
                    scalars[index] = Unicode.Scalar(UInt8.random(in: 0x20...0x7E, using: &generator))
                default:
                    scalars.removeSubrange(min(index, scalars.count)...)
                }
            }
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars)
            if Self.parsesOrFailsCleanly(String(view)) { parsed += 1 } else { failed += 1 }
        }
        #expect(parsed + failed == 6000)
        #expect(parsed > 0 && failed > 0)
    }

    @Test func randomGarbage() {
        var generator = SplitMix64(seed: 42)
        for _ in 0..<3000 {
            let length = Int.random(in: 0...80, using: &generator)
            var text = ""
            for _ in 0..<length {
                if Bool.random(using: &generator) {
                    text += Self.fragments.randomElement(using: &generator) ?? ""
                } else {
                    text.unicodeScalars.append(Unicode.Scalar(UInt8.random(in: 0...0x7F, using: &generator)))
                }
            }
            _ = Self.parsesOrFailsCleanly(text)
            _ = Self.parsesOrFailsCleanly("{" + text)
        }
    }

    /// A quadratic parser would take minutes on these; a linear one takes a blink.
    @Test func largeInputsOnOneLineAndManyLines() throws {
        let count = 20_000
        let oneLineHCL = (0..<count).map { "k\($0) = [\"v\", \($0)]" }.joined(separator: ", ")
        #expect(try HCLDocument.parse(oneLineHCL).items.count == count)
        let oneLineJSON = "{" + (0..<count).map { "\"k\($0)\": {\"v\": [\($0), \"é\"]}" }.joined(separator: ",") + "}"
        let json = try HCLDocument.parse(oneLineJSON)
        #expect(json.items.count == count)
        #expect(json.items.last?.position.column == oneLineJSON.unicodeScalars.count - "\"k19999\": {\"v\": [19999, \"é\"]}}".unicodeScalars.count + 1)
        let heredocLines = String(repeating: "    line of text\n", count: count)
        let heredoc = try onlyValue("h = <<-EOT\n" + heredocLines + "    EOT\n")
        // Compared as a Bool so a failure does not print a megabyte of text.
        let heredocIsUnindented = heredoc == .string(String(repeating: "line of text\n", count: count))
        #expect(heredocIsUnindented)
        let truncatedHeredoc = parseError("h = <<EOT\n" + heredocLines)
        #expect(truncatedHeredoc?.message.contains("unterminated heredoc") == true)
    }
}
