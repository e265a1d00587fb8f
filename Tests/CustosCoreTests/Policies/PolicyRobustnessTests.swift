import Testing

@testable import CustosCore

@Suite("Policy robustness")
struct PolicyRobustnessTests {
    @Test("mutated and truncated policies yield a Policy, an HCLError or a PolicyError, nothing else")
    func mutations() {
        var random = ACLTestRandom(state: 42)
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
}
