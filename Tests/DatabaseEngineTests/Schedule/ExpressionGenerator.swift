import CustosCore
import SeededRandom
/// Random but always-valid cron expressions for property tests.
struct ExpressionGenerator {
    struct FieldSpec {
        let min: Int
        let max: Int       // largest explicit value (7 for day-of-week)
        let starMax: Int   // end used by "*" and "N/step"
        let names: [String]
        let nameBase: Int  // value of names[0]
    }

    static let minute = FieldSpec(min: 0, max: 59, starMax: 59, names: [], nameBase: 0)
    static let hour = FieldSpec(min: 0, max: 23, starMax: 23, names: [], nameBase: 0)
    static let dayOfMonth = FieldSpec(min: 1, max: 31, starMax: 31, names: [], nameBase: 0)
    static let month = FieldSpec(min: 1, max: 12, starMax: 12, names: [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ], nameBase: 1)
    static let dayOfWeek = FieldSpec(min: 0, max: 7, starMax: 6, names: [
        "sun", "mon", "tue", "wed", "thu", "fri", "sat",
    ], nameBase: 0)

    var rng: SplitMix64

    /// `starBias` in 0...1: chance a field is a plain `*` (dense schedules
    /// fire within a short brute-force scan).
    mutating func expression(starBias: Double) -> String {
        if Double.random(in: 0..<1, using: &rng) < 0.05 {
            return ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"]
                .randomElement(using: &rng)!
        }
        let specs = [Self.minute, Self.hour, Self.dayOfMonth, Self.month, Self.dayOfWeek]
        return specs.map { field($0, starBias: starBias) }.joined(separator: " ")
    }

    mutating func field(_ spec: FieldSpec, starBias: Double) -> String {
        if Double.random(in: 0..<1, using: &rng) < starBias {
            return Bool.random(using: &rng) ? "*" : "?"
        }
        let count = Int.random(in: 1...3, using: &rng)
        return (0..<count).map { _ in item(spec) }.joined(separator: ",")
    }

    private mutating func value(_ spec: FieldSpec, in range: ClosedRange<Int>) -> String {
        let v = Int.random(in: range, using: &rng)
        let nameIndex = v - spec.nameBase
        if !spec.names.isEmpty, spec.names.indices.contains(nameIndex), Bool.random(using: &rng) {
            let name = spec.names[nameIndex]
            return Bool.random(using: &rng) ? name.uppercased() : name
        }
        return String(v)
    }

    private mutating func item(_ spec: FieldSpec) -> String {
        let step = Int.random(in: 1...(spec.starMax - spec.min + 2), using: &rng)
        switch Int.random(in: 0..<6, using: &rng) {
        case 0, 1:
            return value(spec, in: spec.min...spec.max)
        case 2:
            let low = Int.random(in: spec.min...spec.max, using: &rng)
            return "\(value(spec, in: low...low))-\(value(spec, in: low...spec.max))"
        case 3:
            return "*/\(step)"
        case 4:
            let low = Int.random(in: spec.min...spec.max, using: &rng)
            return "\(low)-\(Int.random(in: low...spec.max, using: &rng))/\(step)"
        default:
            return "\(value(spec, in: spec.min...spec.starMax))/\(step)"
        }
    }
}
