import CustosCore
package import Foundation
package import SeededRandom

/// Values a hostile or careless client sends where a number, duration, string, list or object is
/// expected: out-of-range and non-finite numbers, exponents, wrong types, deep nesting, control
/// characters. Written as JSON text so that each reaches the decoders exactly as over HTTP.
package enum HostileValues {
    package static let numbers: [String] = [
        "1e300", "-1e300", "1e-300", "1e400", "-1e400", "1E+308", "0.5", "-0", "-0.0", "1.0e1",
        "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
        "18446744073709551615", "18446744073709551616", "123456789012345678901234567890",
        "9223372036.854775807", "9223372037", "-1", "-5", "0", "2147483648", "4294967296",
    ]

    package static let strings: [String] = [
        "", " ", "\\t", "\\u0000", "a\\u0000b", "1e300", "1e300h", "99999999999999h", "9223372037s",
        "2562047h47m16.854775807s", "2562048h", "-1h", "--1h", "1h-1m", "NaN", "nan", "inf", "-inf",
        "Infinity", "0x10", "1_000", "\\u0661h", "\\uff11h", "1.5.5h", "h", "1", "1.", ".5s", "5µs",
        "1d", "99999999999d", "3600", "-3600", "+3600", "\\u202e", "../../etc/passwd", "a/b/../../c",
        "*", "+", "{{", "}}", "root", "default", "\\ud800", "\\udfff",
        String(repeating: "9", count: 400), String(repeating: "a", count: 20_000),
    ]

    package static let otherTypes: [String] = [
        "true", "false", "null", "[]", "{}", "[1e300]", "[null]", "[[[]]]", #"{"a": 1e300}"#,
        #"["a", 1, true, null, {}]"#, #"{"": ""}"#,
        String(repeating: "[", count: 2_000) + String(repeating: "]", count: 2_000),
        String(repeating: #"{"a":"#, count: 2_000) + "1" + String(repeating: "}", count: 2_000),
    ]

    package static var all: [String] { numbers + strings.map { "\"\($0)\"" } + otherTypes }

    /// Whole bodies that are not a JSON object, or not JSON, or not UTF-8.
    package static let rawBodies: [Data] = [
        Data(), Data(" ".utf8), Data("null".utf8), Data("[]".utf8), Data("1e300".utf8), Data("\"x\"".utf8),
        Data([0xFF, 0xFE, 0xFD]), Data([0x7B, 0x22, 0xC3, 0x28, 0x22, 0x3A, 0x31, 0x7D]), Data([0x00]),
        Data("{\"a\": 1".utf8), Data("{\"a\":1}{\"b\":2}".utf8), Data(String(repeating: "[", count: 100_000).utf8),
        Data("{\"ttl\": \"1h\", \"ttl\": 1e300}".utf8),
    ]

    /// Parameter names the API reads, and spellings of them that must be ignored.
    package static let keys: [String] = [
        "increment", "ttl", "period", "explicit_max_ttl", "num_uses", "policies", "meta", "no_parent",
        "no_default_policy", "renewable", "display_name", "type", "id", "token", "accessor", "lease_id",
        "sync", "default_lease_ttl", "max_lease_ttl", "config", "options", "description", "local",
        "seal_wrap", "policy", "paths", "path", "secret_shares", "secret_threshold", "key", "reset",
        "lease", "force", "explicitMaxTtl", "noParent", "default__lease_ttl", "TTL", "Increment", "",
    ]
}

/// Deterministic draws from the hostile corpus.
package struct HostileBodyGenerator {
    package var random: SplitMix64

    package init(seed: UInt64) { random = SplitMix64(seed: seed) }

    package mutating func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }

    /// A body: usually an object of 1-3 hostile parameters, sometimes a raw non-object body.
    package mutating func body() -> Data {
        if random.next() % 8 == 0 { return pick(HostileValues.rawBodies) }
        let count = Int(random.next() % 3) + 1
        var members: [String] = []
        for _ in 0..<count {
            let key = pick(HostileValues.keys)
            members.append("\"\(key)\": \(pick(HostileValues.all))")
        }
        return Data("{\(members.joined(separator: ", "))}".utf8)
    }
}
