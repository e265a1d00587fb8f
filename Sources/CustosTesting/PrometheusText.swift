import Foundation

/// A strict reader of Prometheus' text exposition format 0.0.4, for the tests: every line is
/// `# HELP name text`, `# TYPE name type`, another `#` comment, or a sample
/// `name{label="value",...} value [timestamp]`; a sample's family must have been typed before it.
package struct PrometheusText {
    package struct Sample: Equatable, Sendable {
        package var name: String
        package var labels: [String: String]
        package var value: Double
    }

    package struct ParseError: Error, CustomStringConvertible {
        var line: Int
        var text: String
        var reason: String
        package var description: String { "line \(line): \(reason): \(text)" }
    }

    package var samples: [Sample] = []
    package var types: [String: String] = [:]

    package init(parsing text: String) throws {
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            func fail(_ reason: String) -> ParseError { ParseError(line: index + 1, text: String(line), reason: reason) }
            if line.isEmpty { continue }
            if line.hasPrefix("#") {
                let parts = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false)
                if parts.count >= 3, parts[1] == "TYPE" {
                    guard parts.count == 4, Self.isMetricName(parts[2]),
                          ["counter", "gauge", "histogram", "summary", "untyped"].contains(parts[3]) else {
                        throw fail("bad TYPE line")
                    }
                    guard types[String(parts[2])] == nil else { throw fail("family typed twice") }
                    types[String(parts[2])] = String(parts[3])
                } else if parts.count >= 3, parts[1] == "HELP" {
                    guard Self.isMetricName(parts[2]) else { throw fail("bad HELP line") }
                }
                continue
            }
            var rest = Substring(line)
            let name = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" }
            guard Self.isMetricName(name) else { throw fail("bad metric name") }
            rest = rest.dropFirst(name.count)
            var labels: [String: String] = [:]
            if rest.first == "{" {
                rest = rest.dropFirst()
                while rest.first != "}" {
                    let key = rest.prefix { $0 != "=" }
                    guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { throw fail("bad label name") }
                    rest = rest.dropFirst(key.count)
                    guard rest.hasPrefix("=\"") else { throw fail("expected =\"") }
                    rest = rest.dropFirst(2)
                    var value = ""
                    while let character = rest.first, character != "\"" {
                        rest = rest.dropFirst()
                        if character == "\\" {
                            guard let escaped = rest.first else { throw fail("dangling escape") }
                            rest = rest.dropFirst()
                            switch escaped {
                            case "\\": value.append("\\")
                            case "\"": value.append("\"")
                            case "n": value.append("\n")
                            default: throw fail("bad escape")
                            }
                        } else {
                            value.append(character)
                        }
                    }
                    guard rest.first == "\"" else { throw fail("unterminated label value") }
                    rest = rest.dropFirst()
                    guard labels.updateValue(value, forKey: String(key)) == nil else { throw fail("label repeated") }
                    if rest.first == "," { rest = rest.dropFirst() } else if rest.first != "}" { throw fail("expected , or }") }
                }
                rest = rest.dropFirst()
            }
            guard rest.first == " " else { throw fail("expected a space before the value") }
            let fields = rest.dropFirst().split(separator: " ")
            guard (1...2).contains(fields.count), let value = Self.number(fields[0]) else { throw fail("bad value") }
            if fields.count == 2 && Int64(fields[1]) == nil { throw fail("bad timestamp") }
            guard types[Self.family(of: String(name))] != nil || types[String(name)] != nil else {
                throw fail("sample before its TYPE line")
            }
            samples.append(Sample(name: String(name), labels: labels, value: value))
        }
    }

    /// The value of the one sample of `name` whose labels include `labels`; nil if none.
    package func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        let matching = samples.filter { sample in sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value } }
        return matching.count == 1 ? matching[0].value : nil
    }

    private static func isMetricName<S: StringProtocol>(_ name: S) -> Bool {
        guard let first = name.first, first.isASCII, first.isLetter || first == "_" || first == ":" else { return false }
        return name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == ":") }
    }

    private static func number<S: StringProtocol>(_ text: S) -> Double? {
        switch text {
        case "+Inf": return .infinity
        case "-Inf": return -.infinity
        case "NaN": return .nan
        default: return Double(text)
        }
    }

    /// A histogram's or summary's series name without its `_bucket`/`_sum`/`_count` suffix.
    private static func family(of name: String) -> String {
        for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix) {
            return String(name.dropLast(suffix.count))
        }
        return name
    }
}
