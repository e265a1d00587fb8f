import CustosJSON
import SeededRandom
import Testing

@testable import CustosCore
@testable import HCL

@Suite("Policy robustness")
struct PolicyRobustnessTests {
    @Test("mutated and truncated policies yield a Policy, an HCLError or a PolicyError, nothing else")
    func mutations() {
        var random = SplitMix64(seed: 42)
        let sources =
            Array(PolicyParserTests.adminHCL.utf8) + Array("\n".utf8) + Array(BuiltinPolicies.defaultPolicyText.utf8)
        let json = Array(PolicyParserTests.adminJSON.utf8)
        let alphabet = Array(#"{}[]"=,*+/#\ ab01.-<>$"#.utf8) + [0x0A, 0x00, 0xC3]
        var outcomes = (parsed: 0, hcl: 0, policy: 0)
        for iteration in 0..<3000 {
            var bytes = iteration.isMultiple(of: 2) ? sources : json
            switch Int.random(in: 0..<3, using: &random) {
            case 0:
                bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &random)))
            case 1:
                for _ in 0..<Int.random(in: 1...4, using: &random) where !bytes.isEmpty {
                    bytes[Int.random(in: 0..<bytes.count, using: &random)] = alphabet.randomElement(using: &random)!
                }
            default:
                for _ in 0..<Int.random(in: 1...3, using: &random) {
                    bytes.insert(
                        alphabet.randomElement(using: &random)!, at: Int.random(in: 0...bytes.count, using: &random))
                }
            }
            let text = String(decoding: bytes, as: UTF8.self)
            do {
                let policy = try PolicyParser.parse(name: "fuzz", text: text)
                // Whatever parsed must also compile and answer lookups.
                let acl = ACL(policies: [policy])
                _ = acl.capabilities(on: "secret/data/x")
                _ = acl.allows(.update, path: "sys/mounts/x", parameters: ["type": .string("kv")])
                outcomes.parsed += 1
            } catch is HCLError {
                outcomes.hcl += 1
            } catch is PolicyError {
                outcomes.policy += 1
            } catch {
                Issue.record("unexpected error type \(type(of: error)): \(error)")
            }
        }
        // The mutations must exercise all three outcomes, or the test proves little.
        #expect(outcomes.parsed > 0 && outcomes.hcl > 0 && outcomes.policy > 0, "\(outcomes)")
    }

    @Test("odd patterns built in Swift compile and never trap on lookup")
    func oddPatterns() {
        let patterns = [
            "", "/", "*", "+", "+/", "//", "a//b", "+*", "a/+*", "*a*", "a/*/b", "+/+/+", "ü/+/é*", "a+b/*", "+/",
        ]
        let acl = ACL(policies: [
            Policy(name: "odd", rules: patterns.map { PathRule(pattern: $0, capabilities: [.read]) })
        ])
        for path in [
            "", "/", "//", "a", "a/", "a//b", "ü/x/éa", "+", "x/y/z", "a+b/c", String(repeating: "a/", count: 500),
        ] {
            _ = acl.capabilities(on: path)
            _ = acl.allows(.list, path: path)
        }
        // A `*` pattern matches everything, including the empty path.
        #expect(acl.capabilities(on: "anything/at/all") == [.read])
    }

    @Test("hostile texts end in a clean error: deep nesting, huge numbers, NUL bytes, bad base64")
    func hostileTexts() throws {
        let hostile = [
            String(repeating: "[", count: 100_000),
            "path \"a\" { x = " + String(repeating: "[", count: 50_000) + " }",
            "{\"path\": " + String(repeating: "{\"a\": ", count: 50_000),
            String(repeating: "{\"path\": [", count: 20_000),
            "path \"a\" { max_wrapping_ttl = 99999999999999999999999 }",
            "path \"a\" { max_wrapping_ttl = 0xFFFFFFFFFFFFFFFFFFFF }",
            "path \"a\" { max_wrapping_ttl = 1e999 }",
            "{\"path\": {\"a\": {\"max_wrapping_ttl\": -1e400}}}",
            "path \"a\" { min_wrapping_ttl = \"99999999999999999999h\" }",
            "path \"a\" {}\u{0}",
            "\u{0}path \"a\" {}",
            String(decoding: [0x70, 0x61, 0xFF, 0xFE, 0x74, 0x68], as: UTF8.self),
        ]
        for text in hostile {
            #expect(throws: (any Error).self, "\(text.prefix(40))") { try PolicyParser.parseRules(text) }
            do {
                _ = try PolicyParser.parseRules(text)
            } catch is HCLError {
            } catch is PolicyError {
            } catch {
                Issue.record("unexpected error type \(type(of: error)) for \(text.prefix(40))")
            }
        }
        // Objects nested as deep as the JSON parser allows fold into labels without trouble;
        // as in OpenBao, the labels after the first are ignored.
        let depth = HCLJSONParser.maximumNestingDepth - 3
        let nested = "{\"path\": " + (0..<depth).map { "{\"l\($0)\": " }.joined()
            + "{\"capabilities\": [\"read\"]}" + String(repeating: "}", count: depth + 1)
        let folded = try PolicyParser.parseRules(nested)
        #expect(folded.rules == [PathRule(pattern: "l0", capabilities: [.read])])
    }

    @Test("random bytes through base64 decoding and parsing never trap")
    func randomBase64() {
        var random = SplitMix64(seed: 7)
        let alphabet = Array("ABCDEFabcdef0123456789+/=\n\r {}\"".utf8)
        var decoded = 0
        for _ in 0..<5000 {
            let length = Int.random(in: 0...24, using: &random)
            let bytes = (0..<length).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &random)] }
            let text = String(decoding: bytes, as: UTF8.self)
            if PolicyText.base64Decoded(text) != nil { decoded += 1 }
            do {
                _ = try PolicyParser.parseRules(try PolicyText.decoded(text))
            } catch is HCLError {
            } catch is PolicyError {
            } catch {
                Issue.record("unexpected error type \(type(of: error))")
            }
        }
        #expect(decoded > 0)
        // Go's standard decoding: padding required, line breaks skipped anywhere.
        #expect(PolicyText.base64Decoded("YWJj\r\nZA==") == Array("abcd".utf8))
        #expect(PolicyText.base64Decoded("YWJjZA") == nil)
        #expect(PolicyText.base64Decoded("YW=Jj") == nil)
        #expect(PolicyText.base64Decoded("\n") == [])
    }
}
