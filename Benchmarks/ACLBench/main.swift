// acl-bench: how fast a compiled ACL answers lookups as the number of rules grows.
// Run through scripts/bench-acl (release build). Prints one line per rule count.
import CustosCore
import SeededRandom

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A mix of the three kinds of pattern: 40% exact, 40% `*` globs, 20% `+` segments, spread
/// over policies of 100 rules each (a token rarely has more than a handful of policies; the
/// split only matters for merging, not for lookups).
func makePolicies(ruleCount: Int, random: inout SplitMix64) -> [Policy] {
    var rules: [PathRule] = []
    for index in 0..<ruleCount {
        let capabilities: Capabilities = [.read, .list, .update].randomElement(using: &random)!
        let pattern: String
        switch index % 5 {
        case 0: pattern = "kv/data/team\(index)/app/config"
        case 1: pattern = "database/creds/role\(index)"
        case 2: pattern = "secret/team\(index)/*"
        case 3: pattern = "database/static-creds/app\(index)-*"
        default: pattern = index.isMultiple(of: 2) ? "kv/+/team\(index)/+/data" : "secret/+/svc\(index)/*"
        }
        rules.append(PathRule(pattern: pattern, capabilities: capabilities))
    }
    rules.append(PathRule(pattern: "secret/*", capabilities: [.list]))
    rules.append(PathRule(pattern: "kv/+/*", capabilities: [.read]))
    let chunks = stride(from: 0, to: rules.count, by: 100).map { Array(rules[$0..<min($0 + 100, rules.count)]) }
    return chunks.enumerated().map { Policy(name: "policy-\($0.offset)", rules: $0.element) }
}

/// Paths that hit each kind of rule, plus misses that fall through to the broad globs or to nothing.
func makePaths(ruleCount: Int, count: Int, random: inout SplitMix64) -> [String] {
    (0..<count).map { _ in
        let index = Int.random(in: 0..<max(ruleCount, 1), using: &random)
        switch Int.random(in: 0..<6, using: &random) {
        case 0: return "kv/data/team\(index)/app/config"
        case 1: return "database/creds/role\(index)"
        case 2: return "secret/team\(index)/service/api-key"
        case 3: return "database/static-creds/app\(index)-primary"
        case 4: return "kv/data/team\(index)/x/data"
        default: return "unmounted/path/\(index)/nothing"
        }
    }
}

func nanoseconds(_ duration: Duration) -> Double {
    let (seconds, attoseconds) = duration.components
    return Double(seconds) * 1e9 + Double(attoseconds) / 1e9
}

/// CPU time of this thread, in nanoseconds: on a shared machine wall-clock time mostly measures
/// the other processes, CPU time measures the lookups.
func threadCPUNanoseconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
    return Double(now.tv_sec) * 1e9 + Double(now.tv_nsec)
}

/// Runs `body` and returns the thread CPU time it took, in nanoseconds.
func cpuTime(_ body: () -> Void) -> Double {
    let start = threadCPUNanoseconds()
    body()
    return threadCPUNanoseconds() - start
}

func pad(_ text: String, _ width: Int) -> String {
    String(repeating: " ", count: max(0, width - text.count)) + text
}

func format(_ value: Double, decimals: Int) -> String {
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let scaled = Int((value * scale) + 0.5)
    let whole = scaled / Int(scale)
    guard decimals > 0 else { return String(whole) }
    let fraction = String(scaled % Int(scale))
    return "\(whole)." + String(repeating: "0", count: decimals - fraction.count) + fraction
}

let clock = ContinuousClock()
let lookupsPerRun = 2_000_000
var checksum: UInt64 = 0  // printed at the end so the optimiser cannot drop the lookups
print("Per-lookup figures are thread CPU time; compile_ms is wall-clock time to build the ACL.")
print("rules  policies  compile_ms  capabilities_ns  capabilities_per_s  allows_ns  allows_per_s")
for ruleCount in [10, 1_000, 10_000] {
    // Seeded so every run measures the same rules and paths.
    var random = SplitMix64(seed: 2026)
    let policies = makePolicies(ruleCount: ruleCount, random: &random)
    let paths = makePaths(ruleCount: ruleCount, count: 4096, random: &random)

    var acl: ACL?
    let compile = clock.measure { acl = ACL(policies: policies) }
    guard let acl else { fatalError("ACL not built") }

    for path in paths { checksum &+= UInt64(acl.capabilities(on: path).rawValue) }  // warm-up

    let capabilitiesTime = cpuTime {
        for iteration in 0..<lookupsPerRun {
            checksum &+= UInt64(acl.capabilities(on: paths[iteration & 4095]).rawValue)
        }
    }
    let allowsTime = cpuTime {
        for iteration in 0..<lookupsPerRun where acl.allows(.read, path: paths[iteration & 4095]).allowed {
            checksum &+= 1
        }
    }
    let capabilitiesNs = capabilitiesTime / Double(lookupsPerRun)
    let allowsNs = allowsTime / Double(lookupsPerRun)
    print(
        pad(String(ruleCount), 5), pad(String(policies.count), 9),
        pad(format(nanoseconds(compile) / 1e6, decimals: 2), 11),
        pad(format(capabilitiesNs, decimals: 1), 16), pad(format(1e9 / capabilitiesNs, decimals: 0), 19),
        pad(format(allowsNs, decimals: 1), 10), pad(format(1e9 / allowsNs, decimals: 0), 13))
}
print("checksum \(checksum)")
